"""Texts for the OpenAPI documents; imported by settings, so it imports nothing."""

FILTER_LANGUAGE = """\
List paths take The One API's filter language in the query string. Each field of the
resource is a parameter:

| form | meaning |
|---|---|
| `name=Gandalf` | equals (exact, case-sensitive) |
| `name!=Frodo` | not equal (null values included) |
| `race=Hobbit,Human` / `race!=Orc,Goblin` | any of / none of the listed values |
| `name=string(Tom, Bert, and William)` | the literal text, commas included |
| `name=/foot/i` | regular expression (only the `i` flag; at most 200 characters) |
| `name` or `name=` / `!name` | has a value / has no value (null) |
| `height=null` / `height!=null` | is null / is not null |
| `budgetInMillions<100`, `<=`, `>`, `>=` | comparisons (numbers by value, text in binary order) |

Values are cast by the field's type: numbers for numeric fields, 24-hex ids for `_id` and
references. Filters on different fields are combined with AND. `sort=field:asc` sorts
ascending (`asc` in any case); any other direction (`desc`, `des`) or none sorts descending,
as the original; several fields comma-separated; nulls sort first ascending. `limit`
(default 1000, capped at the server's maximum), `page` (from 1) or `offset` (from 0) select a
slice; with an `offset`, `page` is ignored whatever its value, as the original; the envelope's
keys tell which mode applied. Any malformed parameter is a 400 naming the problem;
`access_token` is a token, never a filter.
"""
