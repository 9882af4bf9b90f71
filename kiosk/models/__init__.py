"""All models, importable from one place."""

from kiosk.models.base import Base
from kiosk.models.devices import Device
from kiosk.models.forms import Form, FormVersion, Option, Question, QuestionKind
from kiosk.models.ledger import LedgerEntry, LedgerStatus, Milestone, Receipt
from kiosk.models.links import ShortLink
from kiosk.models.locations import Location, LocationKind
from kiosk.models.moderation import FreeText, HideReason, LocalWord, Setting, TextStatus
from kiosk.models.reporting import (
    AnswerTally,
    CountedPeriod,
    DeliveryStatus,
    Digest,
    DigestDelivery,
    DigestStatus,
    DigestText,
    SubmissionTally,
    Theme,
)
from kiosk.models.scheduling import SchedulerLease
from kiosk.models.staff import AuditEvent, Council, Invitation, LoginThrottle, RecoveryCode, Role, StaffSession, User
from kiosk.models.submissions import Answer, IdempotencyKey, SettledPeriod, Submission

__all__ = [
    "Answer",
    "AnswerTally",
    "AuditEvent",
    "Base",
    "Council",
    "CountedPeriod",
    "DeliveryStatus",
    "Device",
    "Digest",
    "DigestDelivery",
    "DigestStatus",
    "DigestText",
    "Form",
    "FormVersion",
    "FreeText",
    "HideReason",
    "IdempotencyKey",
    "Invitation",
    "LedgerEntry",
    "LedgerStatus",
    "LocalWord",
    "Location",
    "LocationKind",
    "LoginThrottle",
    "Milestone",
    "Option",
    "Question",
    "QuestionKind",
    "Receipt",
    "RecoveryCode",
    "Role",
    "SchedulerLease",
    "Setting",
    "SettledPeriod",
    "ShortLink",
    "StaffSession",
    "Submission",
    "SubmissionTally",
    "TextStatus",
    "Theme",
    "User",
]
from kiosk.models import immutability  # noqa: F401  (registers the guard)
