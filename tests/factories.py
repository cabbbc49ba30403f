"""Factories for synthetic case data (no real people)."""

import datetime as dt

import factory

from core.models import User
from iro.models import Child, Family, IndependentReviewingOfficer


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Test{n}")
    last_name = "Officer"
    email = factory.LazyAttribute(lambda u: f"{u.username}@council.example")
    password = factory.django.Password("correct horse battery staple")


class IROFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndependentReviewingOfficer

    user = factory.SubFactory(UserFactory)
    fte = 1


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family

    name = factory.Sequence(lambda n: f"Family{n}")
    reference = factory.Sequence(lambda n: f"F{n:05d}")


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    child_id = factory.Sequence(lambda n: f"T{n:05d}")
    first_name = factory.Sequence(lambda n: f"Child{n}")
    last_name = "Example"
    date_of_birth = dt.date(2015, 6, 1)
    sex = "F"
    ethnicity = "WBRI"
