"""Staff pages of the catalog: the exchange specification."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def index(request):
    """The catalog as the exchange specification."""
    return render(request, "catalog/index.html")
