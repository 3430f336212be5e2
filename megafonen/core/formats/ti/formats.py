from megafonen.core.formats.numeric_dates import *  # noqa: F403
