"""Catalog endpoints: the exchange specification for providers and recipients."""

from ninja import Router

router = Router(tags=["catalog"])
