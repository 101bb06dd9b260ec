from django.urls import path

app_name = "responsibility"
urlpatterns: list = []
