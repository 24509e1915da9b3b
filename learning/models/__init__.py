from .certificates import (
    Certificate,
    CertificateEvent,
    CertificateImage,
    CertificateStatus,
    PdfStatus,
)
from .choices import (
    PHYSICIAN_DEGREES,
    CertificateKind,
    CertificatePolicy,
    ClaimStatus,
    Degree,
    LearningFormat,
    PathContributorRole,
    SupportKind,
)
from .compliance import PathComplianceCheck
from .extensions import ClaimExtension
from .external import ExternalCredit, LicenceCycle
from .identity import BoardCertification, ReportingConsent, StateLicence
from .moc import CertificateMoc, PathMocRegistration
from .pages import (
    LearningPathPage,
    PathCommercialSupport,
    PathContributor,
    PathIndexPage,
    PathPrerequisite,
    PathStep,
)
from .privacy import AccountDeletion
from .profiles import LearnerProfile
from .records import CreditClaim, Enrolment, EvaluationResponse, StepCompletion, TestAttempt
from .reporting import ReportAction, ReportBatch, ReportBody, ReportedCompletion

__all__ = [
    "BoardCertification",
    "CertificateMoc",
    "ClaimExtension",
    "ExternalCredit",
    "LicenceCycle",
    "PathMocRegistration",
    "ReportAction",
    "ReportBatch",
    "ReportBody",
    "ReportedCompletion",
    "ReportingConsent",
    "StateLicence",
    "AccountDeletion",
    "Certificate",
    "CertificateEvent",
    "CertificateImage",
    "CertificateKind",
    "CertificateStatus",
    "PdfStatus",
    "CertificatePolicy",
    "ClaimStatus",
    "CreditClaim",
    "Degree",
    "Enrolment",
    "EvaluationResponse",
    "LearnerProfile",
    "LearningFormat",
    "LearningPathPage",
    "PHYSICIAN_DEGREES",
    "PathCommercialSupport",
    "PathComplianceCheck",
    "PathContributor",
    "PathContributorRole",
    "PathIndexPage",
    "PathPrerequisite",
    "PathStep",
    "StepCompletion",
    "SupportKind",
    "TestAttempt",
]
