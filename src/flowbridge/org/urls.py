from django.urls import path

from flowbridge.org import views

app_name = "org"
urlpatterns = [
    path("org/", views.chart, name="chart"),
    path("org/departments/<slug:code>/", views.department, name="department"),
    path("people/", views.people, name="people"),
    path("people/<str:employee_no>/", views.person, name="person"),
]
