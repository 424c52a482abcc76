"""Passwords and base words attackers try first (breach corpora and NCSC's top lists).

``COMMON`` holds whole passwords; ``BASE_WORDS`` holds words that stay weak with digits or
symbols added (``password123456``, ``Summer2026!!``). Lower case; ``policy`` folds look-alikes.
"""

from __future__ import annotations

_WHOLE = """
123456789012 1234567890123 12345678901234 123456123456 123123123123 111111111111
000000000000 121212121212 112233445566 123321123321 147258369147 159753159753
1q2w3e4r5t6y 1q2w3e4r5t6y7u 1qaz2wsx3edc 1qaz2wsx3edc4rfv zaq12wsxcde3 qazwsxedcrfv
qwertyuiop123 qwertyuiopasdf qwerty123456 qwertyqwerty asdfghjkl123 asdfasdfasdf
zxcvbnm12345 zxcvbnmasdfg 1234qwerasdf qwer1234asdf q1w2e3r4t5y6 a1b2c3d4e5f6
abcdefghijkl abcdef123456 abc123abc123 aaaaaaaaaaaa password1234 password12345
password123456 passwordpassword password1234! p@ssw0rd1234 passw0rd1234 iloveyou1234
letmein12345 letmeinletmein welcome12345 welcome123456 changeme1234 changemenow!
administrator admin1234567 adminadmin123 rootpassword trustno1trustno1 whatever1234
football1234 baseball1234 superman1234 batman123456 starwars1234 pokemon12345
princess1234 sunshine1234 monkey123456 dragon123456 shadow123456 master123456
michael12345 jennifer1234 jessica12345 charlie12345 thomas123456 liverpool123
arsenal12345 chelsea12345 manchester12 manunited123 tottenham123 newcastle123
qwertyuiop12 1234567890qw onetwothreefour correcthorsebatterystaple
thisismypassword mypassword123 mynewpassword newpassword123 password2024 password2025
password2026 password2027 spring2026!! summer2026!! autumn2026!! winter2026!!
"""

_BASE = """
password passw0rd p@ssword p@ssw0rd pass pa55word passwort motdepasse contrasena
qwerty qwertyuiop qwertz azerty asdf asdfgh asdfghjkl zxcvbn zxcvbnm qazwsx qwer
letmein welcome welcome1 changeme change default secret secret1 login logon access
admin administrator root user guest test tester testing demo sample example temp
temporary iloveyou loveyou lovely love trustno1 whatever nothing abc abcd abcdef abcdefg
football baseball soccer rugby cricket hockey golf tennis boxing basketball
liverpool arsenal chelsea manchester manutd manunited everton tottenham leeds celtic
rangers newcastle villa spurs england scotland wales ireland london britain
dragon monkey shadow master sunshine princess superman batman spiderman starwars
pokemon mustang harley ranger hunter killer tigger buster pepper ginger daisy bailey
charlie thomas michael jennifer jessica ashley daniel andrew joshua matthew robert
jordan hannah sophie oliver george harry jack william james emily chloe amelia
summer winter spring autumn monday friday sunday january december christmas
freedom flower cookie chocolate cheese banana orange purple yellow silver golden
computer internet mobile samsung iphone google facebook twitter microsoft windows
joinedup safeguarding council nhs police social socialworker children family
"""

COMMON = frozenset(_WHOLE.split())
BASE_WORDS = frozenset(_BASE.split())

# Rows and columns people walk across, and the alphabet; a password made of runs along these
# (forwards or backwards) is weak however long it is.
SEQUENCES = (
    "1234567890",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "abcdefghijklmnopqrstuvwxyz",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "qazwsxedcrfvtgbyhnujmikolp",
    "!@#$%^&*()",
)
