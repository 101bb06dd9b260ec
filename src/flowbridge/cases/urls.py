"""Pages of requests (/requests/...) and tasks (/tasks/...)."""

from django.urls import path

from flowbridge.cases import views, views_actions, views_bulk, views_tasks

app_name = "cases"
urlpatterns = [
    path("requests/", views.my_requests, name="mine"),
    path("requests/new/", views.catalog, name="catalog"),
    path("requests/new/<slug:key>/", views.start, name="start"),
    path("requests/new/<slug:key>/batch/", views_bulk.start_batch, name="start_batch"),
    path("requests/all/", views.all_requests, name="all"),
    path("requests/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("requests/<int:case_id>/", views.case_page, name="case"),
    path("requests/<int:case_id>/<slug:name>/", views_actions.case_action, name="case_action"),
    path("tasks/", views_tasks.inbox, name="inbox"),
    path("tasks/bulk/", views_bulk.decide_selected, name="bulk_decide"),
    path("tasks/<int:item_id>/", views_tasks.task_page, name="task"),
    path("tasks/<int:item_id>/<slug:name>/", views_actions.item_action, name="item_action"),
]
