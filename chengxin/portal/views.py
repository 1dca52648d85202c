"""Public website 信用齐齐哈尔."""

from django.shortcuts import render


def home(request):
    """Home page of the public site."""
    return render(request, "portal/home.html")
