from django.urls import include, path
from lore import views
from rest_framework.routers import DefaultRouter

router = DefaultRouter()
router.register("books", views.BookViewSet)
router.register("movies", views.MovieViewSet)
router.register("characters", views.CharacterViewSet)
router.register("quotes", views.QuoteViewSet)
router.register("expanded-quotes", views.ExpandedQuoteViewSet, basename="expanded-quote")

urlpatterns = [path("", include(router.urls))]
