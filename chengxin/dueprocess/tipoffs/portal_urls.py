"""A citizen's own tip-offs, mounted at /my/tipoffs/."""

from django.urls import path

from chengxin.dueprocess.tipoffs import portal_views

app_name = "tipoffs_portal"
urlpatterns = [
    path("", portal_views.my_tipoffs, name="list"),
    path("<int:tipoff_id>/", portal_views.tipoff_detail, name="detail"),
]
