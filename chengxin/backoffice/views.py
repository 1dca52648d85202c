"""Staff UI shell."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    """Staff home page: what the signed-in role can do."""
    return render(request, "backoffice/home.html")
