"""驾驶舱 pages: thin views over ``luoshi.dashboard.selectors``.

The figures of a page (its panels, the 大屏's tiles, the duty panel) are rendered once per
unit, period and audience and cached (``luoshi.core.figure_cache``): a write shows at once
(the data generation is in the key), anything else after ``FIGURE_CACHE_SECONDS`` at most;
the figures say when they were computed (「数据截至」) and 刷新 recomputes them. They are
rendered without the request: nothing of one user (menu, token) is in what others share."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.template.loader import render_to_string
from django.utils import timezone
from django.views import generic

from luoshi.core import figure_cache, metrics
from luoshi.dashboard import selectors
from luoshi.dashboard.forms import PeriodForm


class DashboardMixin(PermissionRequiredMixin):
    permission_required = "dashboard.view_dashboard"
    figures_template = ""

    def setup_dashboard(self):
        """Unit (in the user's scope, else 404) and period from the querystring."""
        self.form = PeriodForm(self.request.GET or None)
        if self.form.is_bound and not self.form.is_valid():
            for error in self.form.non_field_errors():
                messages.error(self.request, error)
        self.unit = selectors.resolve_unit(self.request.user, self.request.GET.get("unit"))
        self.period = self.form.period()
        self.page_query = urlencode({**self.period.query(), "unit": self.unit.pk})

    def cached_figures(self, parts: tuple):
        """The figures template rendered for ``parts`` (besides unit and audience), cached."""
        user = self.request.user
        whole = metrics.covers(user, self.unit)
        key = (self.unit.pk, figure_cache.audience(user, whole=whole), *parts)
        refresh = bool(self.request.GET.get("refresh"))
        return figure_cache.cached(self.figures_template, key, self.render_figures, refresh=refresh)

    def render_figures(self) -> str:
        context = {**self.figures_context(), "as_of": timezone.localtime()}
        context["max_age"] = max(1, settings.FIGURE_CACHE_SECONDS // 60)
        context["refresh_url"] = f"{self.request.path}?{self.page_query}&refresh=1"
        return render_to_string(self.figures_template, context)

    def figures_context(self) -> dict:
        raise NotImplementedError


class DashboardView(DashboardMixin, generic.TemplateView):
    template_name = "dashboard/index.html"
    figures_template = "dashboard/_figures.html"

    def get_context_data(self, **kwargs):
        self.setup_dashboard()
        figures, child_options = self.cached_figures((self.period.query(),))
        context = super().get_context_data(**kwargs)
        context.update(
            form=self.form,
            frame=selectors.frame(self.request.user, self.unit, self.period),
            child_options=child_options,
            figures=figures,
            page_query=self.page_query,
            years=range(self.period.year - 4, self.period.year + 2),
        )
        return context

    def render_figures(self) -> tuple[str, str]:  # type: ignore[override]
        """The figures and, cached with them, the unit chooser's options of the unit's
        children (66 at a province's root; a unit added or renamed is a write)."""
        children = selectors.children_of(self.unit)
        options = render_to_string("dashboard/_child_options.html", {"children": children})
        return super().render_figures(), options

    def figures_context(self) -> dict:
        data = selectors.dashboard(self.request.user, self.unit, self.period)
        return {
            "data": data,
            "panels": data.panels,
            "period_query": self.period.query(),
            "charts": {
                key: panel.chart for key, panel in data.panels.items() if panel.chart is not None
            },
        }


class WallView(DashboardView):
    """大屏模式: the same figures (the same metric layer) full-screen for a wall display,
    dark, large, without the menu, reloaded by ``dashboard/wall.js`` every few minutes."""

    template_name = "dashboard/wall.html"
    figures_template = "dashboard/_wall_figures.html"
    refresh_seconds = 300

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["refresh_seconds"] = self.refresh_seconds
        return context


class DutyPanelView(DashboardMixin, generic.TemplateView):
    """The 责任清单 panel, loaded by htmx after the page (its cost grows with the items)."""

    template_name = "dashboard/_duty_cached.html"
    figures_template = "dashboard/_duty.html"

    def get_context_data(self, **kwargs):
        self.setup_dashboard()
        self.page_query = urlencode({"unit": self.unit.pk, "year": self.period.year})
        context = super().get_context_data(**kwargs)
        context["figures"] = self.cached_figures((self.period.year,))
        return context

    def figures_context(self) -> dict:
        user, year = self.request.user, self.period.year
        return {
            "duty": selectors.duty_panel(user, self.unit, year),
            "unit": self.unit,
            "year": year,
        }
