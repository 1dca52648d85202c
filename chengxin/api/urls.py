"""The HTTP API under /api/v1: mounts each app's router; owns auth, the error format, the reading
of bodies and the OpenAPI document (docs/api.md)."""

from django.conf import settings
from ninja.renderers import JSONRenderer

from chengxin.api.errors import install_handlers
from chengxin.api.openapi import ContractAPI
from chengxin.api.parsers import ContractParser
from chengxin.catalog.api import router as catalog_router


class ReadableJSONRenderer(JSONRenderer):
    """JSON with Chinese kept as UTF-8 text rather than ``\\u`` escapes."""

    json_dumps_params = {"ensure_ascii": False}


api = ContractAPI(
    title="Chengxin API",
    version="1.0.0",
    description=f"{settings.CHENGXIN_SITE_NAME} 个人公共信用信息平台接口",
    renderer=ReadableJSONRenderer(),
    parser=ContractParser(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_handlers(api)
api.add_router("/catalog", catalog_router)
api.add_router("", "chengxin.accounts.api.router")
api.add_router("/submissions", "chengxin.collection.api.router")
api.add_router("", "chengxin.collection.api_quality.router")
api.add_router("", "chengxin.inquiry.api.router")
api.add_router("/checks", "chengxin.measures.checks.api.router")
api.add_router("/objections", "chengxin.dueprocess.objections.api.router")
api.add_router("/repairs", "chengxin.dueprocess.repairs.api.router")
api.add_router("", "chengxin.supervision.api.router")
