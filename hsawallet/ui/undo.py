"""Undo for changes to records (Edit > Undo, Ctrl+Z).

A change is made first through the services on the database worker; once it has worked, a
``RecordChange`` goes on the context's QUndoStack. Undoing and redoing run the service calls
again on the worker, never on the UI thread. Each step is a closure over a small state dict so
a step that gives a record a new id (a removed person or document put back) tells the next.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec

from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QMessageBox, QWidget

from hsawallet.ui.context import AppContext, describe_error

Step = Callable[[Any], Any]  # fn(vault) -> result, run on the database worker
P = ParamSpec("P")

_stacks: weakref.WeakKeyDictionary[AppContext, QUndoStack] = weakref.WeakKeyDictionary()


def stack(ctx: AppContext) -> QUndoStack:
    """The undo stack of the open vault (one per context)."""
    found = _stacks.get(ctx)
    if found is None:
        found = QUndoStack(ctx)
        _stacks[ctx] = found
    return found


class RecordChange(QUndoCommand):
    """A change already made; ``undo_step``/``redo_step`` run on the worker, then ``after`` on the UI."""

    def __init__(
        self,
        ctx: AppContext,
        text: str,
        undo_step: Step,
        redo_step: Step,
        after: Callable[[], None] | None = None,
        parent_widget: QWidget | None = None,
    ) -> None:
        super().__init__(text)
        self.ctx = ctx
        self._undo_step, self._redo_step = undo_step, redo_step
        self._after = after
        self._parent_widget = parent_widget
        self._done_once = False  # push() calls redo(); the change itself has already been made

    def undo(self) -> None:
        self._run(self._undo_step, f"Undo {self.text().lower()}")

    def redo(self) -> None:
        if not self._done_once:
            self._done_once = True
            return
        self._run(self._redo_step, f"Redo {self.text().lower()}")

    def _run(self, step: Step, label: str) -> None:
        def done(_result) -> None:
            self.ctx.show_status(f"{label}: done.", 4000)
            if self._after is not None:
                self._after()

        def failed(exc: BaseException) -> None:
            QMessageBox.warning(self._parent_widget, label, describe_error(exc))

        self.ctx.change(None, step, done).failure(failed).with_progress(label).run_in_background()


def _pushing(command: Callable[Concatenate[AppContext, P], QUndoCommand]) -> Callable[Concatenate[AppContext, P], None]:
    """A function taking ``command``'s arguments that makes it and puts it on the context's undo stack."""

    def push(ctx: AppContext, /, *args: P.args, **kwargs: P.kwargs) -> None:
        stack(ctx).push(command(ctx, *args, **kwargs))

    return push


# record(ctx, RecordChange's other arguments): put a change that has just been made on the undo stack
record = _pushing(RecordChange)


def confirm(parent: QWidget | None, title: str, text: str, action: str) -> bool:
    """Ask before a removal; the record is named in ``text``."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, parent)
    remove = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is remove
