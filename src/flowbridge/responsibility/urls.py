from django.urls import path

from flowbridge.responsibility import views

app_name = "responsibility"
urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.import_page, name="import"),
    path("export/", views.export, name="export"),
    path("<slug:code>/", views.matrix, name="matrix"),
    path("<slug:code>/save/", views.save_matrix, name="save_matrix"),
    path("<slug:code>/steps/", views.save_steps, name="save_steps"),
    path("<slug:code>/versions/", views.versions, name="versions"),
    path("<slug:code>/versions/<int:number>/", views.version_detail, name="version"),
    path("<slug:code>/diff/", views.diff, name="diff"),
]
