"""TalentFlow notify service."""
