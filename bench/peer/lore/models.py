from django.db import models


class Book(models.Model):
    id = models.CharField(max_length=24, primary_key=True)
    name = models.TextField()

    def __str__(self):
        return self.name


class Movie(models.Model):
    id = models.CharField(max_length=24, primary_key=True)
    name = models.TextField()
    runtime_in_minutes = models.FloatField()
    budget_in_millions = models.FloatField()
    box_office_revenue_in_millions = models.FloatField()
    academy_award_nominations = models.IntegerField()
    academy_award_wins = models.IntegerField()
    rotten_tomatoes_score = models.FloatField()

    def __str__(self):
        return self.name


class Character(models.Model):
    id = models.CharField(max_length=24, primary_key=True)
    name = models.TextField(db_index=True)
    wiki_url = models.TextField(blank=True)
    race = models.TextField(blank=True, db_index=True)
    birth = models.TextField(blank=True)
    gender = models.TextField(blank=True)
    death = models.TextField(blank=True)
    hair = models.TextField(blank=True)
    height = models.TextField(blank=True)
    realm = models.TextField(blank=True)
    spouse = models.TextField(blank=True)

    def __str__(self):
        return self.name


class Quote(models.Model):
    id = models.CharField(max_length=24, primary_key=True)
    dialog = models.TextField()
    movie = models.ForeignKey(Movie, on_delete=models.CASCADE, related_name="quotes")
    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="quotes")

    def __str__(self):
        return self.dialog
