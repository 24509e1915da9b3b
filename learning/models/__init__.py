from .certificates import Certificate, CertificateEvent, CertificateStatus, PdfStatus
from .choices import CertificatePolicy, ClaimStatus, LearningFormat
from .pages import LearningPathPage, PathIndexPage, PathPrerequisite, PathStep
from .privacy import AccountDeletion
from .profiles import LearnerProfile
from .records import CreditClaim, Enrolment, EvaluationResponse, StepCompletion, TestAttempt

__all__ = [
    "AccountDeletion",
    "Certificate",
    "CertificateEvent",
    "CertificateStatus",
    "PdfStatus",
    "CertificatePolicy",
    "ClaimStatus",
    "CreditClaim",
    "Enrolment",
    "EvaluationResponse",
    "LearnerProfile",
    "LearningFormat",
    "LearningPathPage",
    "PathIndexPage",
    "PathPrerequisite",
    "PathStep",
    "StepCompletion",
    "TestAttempt",
]
