"""{% export_links %}: XLSX / CSV download links of the list as it is filtered now."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.inclusion_tag("components/export_links.html", takes_context=True)
def export_links(context):
    request = context["request"]
    query = request.GET.copy()
    for key in ("cursor", "direction", "export"):
        query.pop(key, None)
    links = []
    for file_format, label in (("xlsx", _("Excel")), ("csv", "CSV")):
        query["export"] = file_format
        links.append({"url": f"?{query.urlencode()}", "label": label, "format": file_format})
    return {"links": links}
