from django.conf import settings


def site(request):
    """Deployment names for every template (the city is configuration, not code)."""
    return {
        "SITE_NAME": settings.CHENGXIN_SITE_NAME,
        "CITY_NAME": settings.CHENGXIN_CITY_NAME,
    }
