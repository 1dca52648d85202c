from django.conf import settings
from django.utils.translation import get_language


def site(request):
    """Deployment names for every template (the city is configuration, not code).

    The names come in the page's language: Chinese by default, the English names of the
    deployment when the visitor chose English.
    """
    if (get_language() or "").startswith("en"):
        return {
            "SITE_NAME": settings.CHENGXIN_SITE_NAME_EN,
            "CITY_NAME": settings.CHENGXIN_CITY_NAME_EN,
        }
    return {"SITE_NAME": settings.CHENGXIN_SITE_NAME, "CITY_NAME": settings.CHENGXIN_CITY_NAME}
