"""TalentFlow jobs service."""
