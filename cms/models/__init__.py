from cms.choices import AudienceLevel, PracticeSetting, Topic

from .disclosures import (
    DisclosedRelationship,
    Disclosure,
    OwnerEmployeeException,
    RecordIsPermanent,
    RelevanceDecision,
)
from .institutions import Institution
from .pages import (
    GuideAuthor,
    GuideIndexPage,
    GuidePage,
    GuideSpecialty,
    HomeFeaturedGuide,
    HomePage,
)
from .people import Mentor
from .site_settings import SiteIdentity

__all__ = [
    "AudienceLevel",
    "DisclosedRelationship",
    "Disclosure",
    "GuideAuthor",
    "GuideIndexPage",
    "GuidePage",
    "GuideSpecialty",
    "HomeFeaturedGuide",
    "HomePage",
    "Institution",
    "Mentor",
    "OwnerEmployeeException",
    "PracticeSetting",
    "RecordIsPermanent",
    "RelevanceDecision",
    "SiteIdentity",
    "Topic",
]
