from django.urls import path

from flowbridge.processes import views
from flowbridge.processes.designer import views as designer_views

app_name = "processes"
urlpatterns = [
    path("", views.index, name="index"),
    path("deploy/", views.deploy, name="deploy"),
    path("design/", designer_views.design_new, name="design"),
    path("<slug:key>/", views.detail, name="detail"),
    path("<slug:key>/versions/<int:number>/bpmn/", views.download, name="download"),
    path("<slug:key>/design/", designer_views.design_edit, name="design_edit"),
]
