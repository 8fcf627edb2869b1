"""The 接口令牌 page: a user lists, creates and revokes their own API tokens."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.api import services
from luoshi.api.forms import TokenForm
from luoshi.api.models import ApiToken


def token_list(request):
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        token, new_key = services.create_token(
            user=request.user, name=form.cleaned_data["name"], expires_at=form.expires_at
        )
        messages.success(
            request,
            _("已创建令牌「%(name)s」。请立即复制保存，离开本页后将无法再次查看。")
            % {"name": token.name},
        )
        form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request, "api/token_list.html", {"form": form, "tokens": tokens, "new_key": new_key}
    )


@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if services.revoke_token(token=token, user=request.user):
        messages.success(request, _("已撤销令牌「%(name)s」。") % {"name": token.name})
    else:
        messages.info(request, _("令牌「%(name)s」此前已撤销。") % {"name": token.name})
    return redirect("api:tokens")
