from django.urls import path

from flowbridge.processes import views

app_name = "processes"
urlpatterns = [
    path("", views.index, name="index"),
    path("deploy/", views.deploy, name="deploy"),
    path("<slug:key>/", views.detail, name="detail"),
    path("<slug:key>/versions/<int:number>/bpmn/", views.download, name="download"),
]
