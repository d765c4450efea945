"""Load The One API's CSV export (books, movies, characters, quotes) into the peer's tables."""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from lore.models import Book, Character, Movie, Quote


def object_id(text: str) -> str:
    return text.removeprefix("ObjectId(").removesuffix(")")


def rows(folder: Path, name: str):
    with open(folder / f"{name}.csv", newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    @transaction.atomic
    def handle(self, *args, folder, **options):
        for model in (Quote, Character, Movie, Book):
            model.objects.all().delete()
        Book.objects.bulk_create(Book(id=object_id(r["_id"]), name=r["name"]) for r in rows(folder, "books"))
        Movie.objects.bulk_create(
            Movie(
                id=object_id(r["_id"]),
                name=r["name"],
                runtime_in_minutes=float(r["runtimeInMinutes"]),
                budget_in_millions=float(r["budgetInMillions"]),
                box_office_revenue_in_millions=float(r["boxOfficeRevenueInMillions"]),
                academy_award_nominations=int(r["academyAwardNominations"]),
                academy_award_wins=int(r["academyAwardWins"]),
                rotten_tomatoes_score=float(r["rottenTomatoesScore"]),
            )
            for r in rows(folder, "movies")
        )
        text = ["name", "race", "birth", "gender", "death", "hair", "height", "realm", "spouse"]
        Character.objects.bulk_create(
            Character(id=object_id(r["_id"]), wiki_url=r["wikiUrl"], **{k: r[k] for k in text})
            for r in rows(folder, "characters")
        )
        Quote.objects.bulk_create(
            (
                Quote(
                    id=object_id(r["_id"]),
                    dialog=r["dialog"],
                    movie_id=object_id(r["movie"]),
                    character_id=object_id(r["character"]),
                )
                for r in rows(folder, "quotes")
            ),
            batch_size=500,
        )
