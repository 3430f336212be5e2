from megafonen.core.models.access_log import AccessLogEntry, AccessLogPurge
from megafonen.core.models.organisations import District, Language, Membership, Organisation
from megafonen.core.models.people import User
from megafonen.core.models.throttle import ThrottleCount

__all__ = [
    "AccessLogEntry",
    "AccessLogPurge",
    "District",
    "Language",
    "Membership",
    "Organisation",
    "ThrottleCount",
    "User",
]
