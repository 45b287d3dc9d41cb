"""Organisations the network works with: members, partners, donors. One record per
organisation whatever the language of its name; records come from extraction (one per
organisation fact), from IATI files (by organisation identifier) or from editors.
Users are attached to their organisation as its focal points."""

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


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    iati_ref = models.CharField(_("IATI identifier"), max_length=100, blank=True, db_index=True)
    iati_type = models.CharField(_("IATI organisation type"), max_length=3, blank=True)
    fact = models.OneToOneField("extraction.Fact", null=True, blank=True, on_delete=models.SET_NULL, related_name="organisation")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="organisations",
                                     help_text="Focal points: users who act for this organisation")

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

    @classmethod
    def for_fact(cls, fact) -> "Organisation":
        """The directory record of an organisation fact (followed to the fact it was merged into)."""
        while fact.merged_into_id:
            fact = fact.merged_into
        found = cls.objects.filter(fact=fact).first()
        if found:
            return found
        data = fact.data
        return cls.objects.create(name=data.get("name") or fact.key, acronym=data.get("acronym") or "", aliases=data.get("aliases") or [],
                                  kind=data.get("kind") or "", country=data.get("country") or "", fact=fact)

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
