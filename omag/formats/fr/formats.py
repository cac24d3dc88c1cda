# Dates and times as French news sites write them ("jeudi 17 février 2022 à 09h05").
DATETIME_FORMAT = r"l j F Y à H\hi"
SHORT_DATETIME_FORMAT = r"j F Y à H\hi"
