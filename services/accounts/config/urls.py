from django.urls import include, path

from lotr_kit.urls import operational_urlpatterns

urlpatterns = [
    path("", include("accounts.urls")),
    *operational_urlpatterns,
]

handler400 = "lotr_kit.errors.handler400"
handler403 = "lotr_kit.errors.handler403"
handler404 = "lotr_kit.errors.handler404"
handler500 = "lotr_kit.errors.handler500"
