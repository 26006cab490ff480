"""Desktop tests run with the same binding work-arounds as the app (see qt_workarounds)."""

from desktop.qt_workarounds import keep_none_alive

keep_none_alive()
