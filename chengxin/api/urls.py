"""The HTTP API under /api/v1: mounts each app's router; owns auth and the error format."""

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI

from chengxin.api.errors import install_handlers
from chengxin.catalog.api import router as catalog_router

api = NinjaAPI(
    title="Chengxin API",
    version="1.0.0",
    description=str(_("信用齐齐哈尔 个人公共信用信息平台接口")),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_handlers(api)
api.add_router("/catalog", catalog_router)
api.add_router("", "chengxin.accounts.api.router")
