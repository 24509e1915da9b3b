from django.core.exceptions import ValidationError

# An NPI's check digit is the Luhn check digit of "80840" + its first nine digits.
NPI_PREFIX = "80840"


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def validate_npi(value: str) -> None:
    if not (len(value) == 10 and value.isascii() and value.isdigit()):
        raise ValidationError("An NPI is exactly 10 digits.", code="npi_format")
    if value[0] not in "12" or not luhn_valid(NPI_PREFIX + value):
        raise ValidationError(
            "This is not a valid NPI: its check digit does not match. Please check the number.",
            code="npi_checksum",
        )
