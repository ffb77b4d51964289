# PyInstaller runtime hook: the bundle reads with the language data it carries (matched to its libtesseract),
# not with whatever the machine has. Spawned readers run this hook too. If the file was removed, the app's
# usual search applies and its clear "OCR is not available" message.
import os
import sys

_bundled = os.path.join(sys._MEIPASS, "tessdata")
if os.path.isfile(os.path.join(_bundled, "eng.traineddata")):
    os.environ["TESSDATA_PREFIX"] = _bundled
