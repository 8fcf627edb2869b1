"""驾驶舱 pages: thin views over ``luoshi.dashboard.selectors``."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.views import generic

from luoshi.dashboard import selectors
from luoshi.dashboard.forms import PeriodForm


class DashboardMixin(PermissionRequiredMixin):
    permission_required = "dashboard.view_dashboard"

    def setup_dashboard(self):
        """Unit (in the user's scope, else 404) and period from the querystring."""
        self.form = PeriodForm(self.request.GET or None)
        if self.form.is_bound and not self.form.is_valid():
            for error in self.form.non_field_errors():
                messages.error(self.request, error)
        self.unit = selectors.resolve_unit(self.request.user, self.request.GET.get("unit"))
        self.period = self.form.period()


class DashboardView(DashboardMixin, generic.TemplateView):
    template_name = "dashboard/index.html"

    def get_context_data(self, **kwargs):
        self.setup_dashboard()
        data = selectors.dashboard(self.request.user, self.unit, self.period)
        context = super().get_context_data(**kwargs)
        context.update(
            form=self.form,
            data=data,
            panels=data.panels,
            period_query=self.period.query(),
            charts={
                key: panel.chart for key, panel in data.panels.items() if panel.chart is not None
            },
            years=range(self.period.year - 4, self.period.year + 2),
        )
        return context


class WallView(DashboardView):
    """大屏模式: the same figures (the same metric layer) full-screen for a wall display,
    dark, large, without the menu, reloaded by ``dashboard/wall.js`` every few minutes."""

    template_name = "dashboard/wall.html"
    refresh_seconds = 300

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["refresh_seconds"] = self.refresh_seconds
        return context


class DutyPanelView(DashboardMixin, generic.TemplateView):
    """The 责任清单 panel, loaded by htmx after the page (its cost grows with the items)."""

    template_name = "dashboard/_duty.html"

    def get_context_data(self, **kwargs):
        self.setup_dashboard()
        context = super().get_context_data(**kwargs)
        context["duty"] = selectors.duty_panel(self.request.user, self.unit, self.period.year)
        context["unit"] = self.unit
        context["year"] = self.period.year
        return context
