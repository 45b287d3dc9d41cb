"""Who is who in the network, with Popolo semantics: organisations (members, partners, donors),
people, their memberships and posts, areas (ISO 3166 countries); what each needs and offers
(capacities) and the funding lines donors open.

One record per organisation whatever the language of its name. Records come from extraction
(one per organisation or person fact, linked to it so every source paragraph stays reachable),
from IATI files (by organisation identifier), from a member-list import or from editors.
Merging two records keeps both records' facts, names and origins.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Territoria's organisation kinds -> IATI OrganisationType codes (10 government, 11 local
# government, 21 international NGO, 22 national NGO, 40 multilateral, 60 foundation,
# 80 academic, 90 other).
IATI_TYPES = {
    "city": "11", "region": "11", "local_government_association": "11", "regional_section": "21",
    "world_organisation": "21", "network": "21", "body": "21", "ngo": "22", "un_agency": "40",
    "intergovernmental": "40", "development_bank": "40", "donor_agency": "10", "government": "10",
    "foundation": "60", "university": "80", "research_institute": "80",
}

KINDS = [
    ("local_government_association", _("Local government association")), ("city", _("City")), ("region", _("Region")),
    ("regional_section", _("Regional section")), ("world_organisation", _("World organisation")), ("network", _("Network")),
    ("body", _("Body of the network")), ("un_agency", _("UN agency")), ("intergovernmental", _("Intergovernmental organisation")),
    ("development_bank", _("Development bank")), ("donor_agency", _("Donor agency")), ("government", _("National government")),
    ("foundation", _("Foundation")), ("university", _("University")), ("research_institute", _("Research institute")),
    ("ngo", _("NGO")),
]

# Languages people work in (ISO 639-1), offered on profiles and capacities.
WORKING_LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish")), ("pt", _("Portuguese")),
                     ("ar", _("Arabic")), ("ru", _("Russian")), ("zh", _("Chinese")), ("de", _("German"))]


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=300)
    names = models.JSONField(_("names by language"), default=dict, blank=True, help_text='{"fr": "Cités et gouvernements locaux unis"}')
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    kind = models.CharField(_("kind"), max_length=40, blank=True, choices=KINDS)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    city = models.CharField(_("city"), max_length=120, blank=True)
    description = models.TextField(_("what it does"), blank=True, max_length=5000)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    languages = models.JSONField(_("working languages"), default=list, blank=True)
    external_id = models.CharField(_("member number"), max_length=60, blank=True, db_index=True,
                                   help_text="The identifier a member list gives it; re-imports find the record by it")
    iati_ref = models.CharField(_("IATI identifier"), max_length=100, blank=True, db_index=True)
    iati_type = models.CharField(_("IATI organisation type"), max_length=3, blank=True)
    fact = models.OneToOneField("extraction.Fact", null=True, blank=True, on_delete=models.SET_NULL, related_name="organisation")
    origins = models.JSONField(default=list, blank=True, help_text="Where the record came from: imports (file, row), merges")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="organisations",
                                     help_text="Focal points: users who act for this organisation")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym and self.acronym != self.name else self.name

    @property
    def short(self) -> str:
        return self.acronym or self.name

    @property
    def organisation_type(self) -> str:
        """The IATI OrganisationType code, as set or from the kind (90 'other' otherwise)."""
        return self.iati_type or IATI_TYPES.get(self.kind, "90")

    def all_names(self) -> list[str]:
        return list(dict.fromkeys(n for n in (self.name, self.acronym, *self.names.values(), *self.aliases) if n))

    def name_in(self, language: str) -> str:
        return self.names.get(language) or self.name

    @classmethod
    def for_fact(cls, fact) -> "Organisation":
        """The directory record of an organisation fact (followed to the fact it was merged into)."""
        while fact.merged_into_id:
            fact = fact.merged_into
        return cls.objects.filter(fact=fact).first() or cls.create_for_fact(fact)

    @classmethod
    def create_for_fact(cls, fact) -> "Organisation":
        """A new record for an organisation fact that has none."""
        organisation = cls.from_fact(fact)
        organisation.save()
        return organisation

    @classmethod
    def from_fact(cls, fact) -> "Organisation":
        """The record an organisation fact (or a row with its pk, key and data) gives, unsaved."""
        data = fact.data
        return cls(name=data.get("name") or fact.key, acronym=data.get("acronym") or "", aliases=data.get("aliases") or [],
                   kind=data.get("kind") or "", country=data.get("country") or "", fact_id=fact.pk)

    @classmethod
    def for_iati(cls, ref: str, name: str, type_code: str = "") -> "Organisation":
        """The record of an organisation an IATI file names, by its identifier, else its name."""
        found = (cls.objects.filter(iati_ref=ref).first() if ref else None) or cls.objects.filter(name=name).first()
        if found:
            missing = {f: v for f, v in (("iati_ref", ref), ("iati_type", type_code)) if v and not getattr(found, f)}
            if missing:
                for field, value in missing.items():
                    setattr(found, field, value)
                found.save(update_fields=list(missing))
            return found
        return cls.objects.create(name=name or ref, iati_ref=ref, iati_type=type_code)


class Person(models.Model):
    name = models.CharField(_("name"), max_length=200)
    aliases = models.JSONField(default=list, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    biography = models.TextField(_("biography"), blank=True, max_length=3000)
    languages = models.JSONField(_("working languages"), default=list, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person")
    fact = models.OneToOneField("extraction.Fact", null=True, blank=True, on_delete=models.SET_NULL, related_name="person")
    origins = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Post(models.Model):
    """A position in an organisation that people hold in turn ("coordinator of the CIB secretariat")."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="posts")
    label = models.CharField(_("post"), max_length=300)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "label"], name="post_unique_label")]

    def __str__(self):
        return self.label


class Membership(models.Model):
    """A person (or an organisation) is a member of an organisation, in a role, for a period,
    possibly on behalf of another organisation (a mayor sitting for her city on a council)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships")
    member_organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="member_of")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="memberships")
    role = models.CharField(_("role"), max_length=300, blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    on_behalf_of = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="represented_by")

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(person__isnull=False) | models.Q(member_organisation__isnull=False),
                                              name="membership_has_a_member")]

    @property
    def member(self):
        return self.person or self.member_organisation


class Direction(models.TextChoices):
    NEED = "need", _("Need")
    OFFER = "offer", _("Offer")


class CapacityKind(models.TextChoices):
    EXPERTISE = "expertise", _("Expertise")
    TRAINING = "training", _("Training")
    PEER_EXCHANGE = "peer_exchange", _("Peer exchange")
    FUNDING = "funding", _("Funding")
    TOOLS = "tools", _("Tools")


class Capacity(models.Model):
    """A need or an offer declared by an organisation or a person."""

    direction = models.CharField(_("need or offer"), max_length=5, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=CapacityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("description"), blank=True, max_length=5000)
    themes = models.JSONField(_("themes"), default=list, blank=True)
    sdgs = models.JSONField(_("SDGs"), default=list, blank=True)
    countries = models.JSONField(_("countries"), default=list, blank=True, help_text="ISO 3166-1 alpha-2 codes")
    languages = models.JSONField(_("languages"), default=list, blank=True)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="capacities")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="capacities")
    terms = models.JSONField(default=list, blank=True, help_text="Stems of title and text, for matching (set on save)")
    active = models.BooleanField(_("open"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "capacities"
        indexes = [models.Index(fields=["direction", "active"])]

    def __str__(self):
        return self.title

    @property
    def holder(self):
        return self.organisation or self.person

    def save(self, *args, **kwargs):
        from territoria.directory.matching import capacity_terms

        self.terms = capacity_terms(self.title, self.text)
        super().save(*args, **kwargs)


class FundingLine(models.Model):
    """A programme or funding line a donor opens: what it funds, for whom, until when."""

    donor = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="funding_lines", verbose_name=_("donor"))
    name = models.CharField(_("name"), max_length=300)
    text = models.TextField(_("description"), blank=True, max_length=5000)
    themes = models.JSONField(_("themes"), default=list, blank=True)
    sdgs = models.JSONField(_("SDGs"), default=list, blank=True)
    countries = models.JSONField(_("eligible countries"), default=list, blank=True, help_text="Empty: every country")
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    url = models.URLField(_("link"), blank=True)

    class Meta:
        ordering = ["deadline", "name"]

    def __str__(self):
        return self.name
