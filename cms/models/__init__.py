from cms.choices import AudienceLevel, PracticeSetting, Topic

from .institutions import Institution
from .pages import (
    GuideAuthor,
    GuideIndexPage,
    GuidePage,
    GuideSpecialty,
    HomeFeaturedGuide,
    HomePage,
)
from .people import FinancialRelationship, Mentor
from .site_settings import SiteIdentity

__all__ = [
    "AudienceLevel",
    "FinancialRelationship",
    "GuideAuthor",
    "GuideIndexPage",
    "GuidePage",
    "GuideSpecialty",
    "HomeFeaturedGuide",
    "HomePage",
    "Institution",
    "Mentor",
    "PracticeSetting",
    "SiteIdentity",
    "Topic",
]
