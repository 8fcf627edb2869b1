from django.shortcuts import render
from django.utils import timezone

from luoshi.ledger.selectors import ledger_summary


def home(request):
    year = timezone.localdate().year
    return render(
        request, "core/home.html", {"year": year, "summary": ledger_summary(request.user, year)}
    )
