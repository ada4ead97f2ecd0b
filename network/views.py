from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def home(request):
    """The home page of the main network."""
    return render(request, "network/home.html")
