from megafonen.outreach.models.calls import (
    Call,
    CallCampaign,
    CallContact,
    CallImport,
    CallScript,
    CallTally,
    DoNotCall,
    SpottedNeed,
)
from megafonen.outreach.models.hotline import HotlineCall, HotlineShift
from megafonen.outreach.models.levels import Capability, PartnerLevel, SupportLevel
from megafonen.outreach.models.questions import Answer, Question, QuestionTheme
from megafonen.outreach.models.subscriptions import Broadcast, Subscription
from megafonen.outreach.models.topics import (
    Bulletin,
    CapCategory,
    CapCertainty,
    CapSeverity,
    CapUrgency,
    SourceItem,
    Topic,
)
from megafonen.outreach.models.translations import GlossaryTerm, ReadAloud, Translation

__all__ = [
    "Answer",
    "Broadcast",
    "Bulletin",
    "Call",
    "CallCampaign",
    "CallContact",
    "CallImport",
    "CallScript",
    "CallTally",
    "CapCategory",
    "CapCertainty",
    "CapSeverity",
    "CapUrgency",
    "Capability",
    "DoNotCall",
    "GlossaryTerm",
    "HotlineCall",
    "HotlineShift",
    "PartnerLevel",
    "Question",
    "QuestionTheme",
    "ReadAloud",
    "SourceItem",
    "SpottedNeed",
    "Subscription",
    "SupportLevel",
    "Topic",
    "Translation",
]
