from django.urls import path

from chengxin.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("login/verify/", views.sign_in_verify, name="verify"),
    path("login/enrol/", views.sign_in_enrol, name="enrol"),
    path("logout/", views.sign_out, name="logout"),
]
