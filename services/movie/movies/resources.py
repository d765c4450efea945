"""What the movie and quote APIs expose: keys in the original's order, columns and types."""

from lotr_kit.query.resources import NUMBER, OBJECT_ID, STRING, Field, Resource

MOVIE = Resource(
    "movie",
    (
        Field("_id", "id", OBJECT_ID, nullable=False),
        Field("name", "name", STRING, nullable=False),
        Field("runtimeInMinutes", "runtime_in_minutes", NUMBER),
        Field("budgetInMillions", "budget_in_millions", NUMBER),
        Field("boxOfficeRevenueInMillions", "box_office_revenue_in_millions", NUMBER),
        Field("academyAwardNominations", "academy_award_nominations", NUMBER),
        Field("academyAwardWins", "academy_award_wins", NUMBER),
        Field("rottenTomatoesScore", "rotten_tomatoes_score", NUMBER),
    ),
)

QUOTE = Resource(
    "quote",
    (
        Field("_id", "id", OBJECT_ID, nullable=False),
        Field("dialog", "dialog", STRING, nullable=False),
        Field("movie", "movie", OBJECT_ID),
        Field("character", "character", OBJECT_ID),
    ),
    id_alias=True,
)
