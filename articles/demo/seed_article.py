"""The article the project started from (shared/seed/omag-article.txt), verbatim."""

SECTION = "International"
TITLE = "La Russie retire une partie de ses troupes en Crimée"
STANDFIRST = "Moscou a ordonné le retrait d’une partie de ses troupes à la frontière ukrainienne et en Crimée. Cependant, l’Occident reste prudent."
RELATED_LABEL = "A lire également"
RELATED_TITLE = "En visite à Kiev, Olaf Scholz appelle également à la désescalade dans le crise ukrainienne"
PARAGRAPHS_BEFORE_LINK = [
    "Les négociations diplomatiques ont peut-être eu un impact. Le Kremlin a décidé de retirer une partie de ses troupes militaires à la frontière ukrainienne et en Crimée. Le ministre de la Défense russe a donc publié mercredi 16 février des vidéos sur son compte Twitter pour l’attester. Le président russe Vladimir Poutine assure être “prêt à aller sur le chemin de la négociation”.",
    "Cette décision arrive après des semaines d’enlisement de la crise entre la Russie et l’Ukraine. En conséquence, des négociations internationales se sont enchaînées, les dirigeants européens appelant à la «\xa0désescalade\xa0». Malgré ce signe encourageant, le président américain Joe Biden, appel à la prudence, n’écartant pas la possibilité d’une attaque russe. Par ailleurs, le départ des soldats russes n’a pas encore été vérifié par les États-Unis.",
]
SUBHEADING = "Une invasion russe de l’Ukraine est toujours “possible” pour Biden"
PARAGRAPHS_AFTER_SUBHEADING = [
    "Si ces nouvelles apparaissent comme un premier signe vers la “désescalade”, les dirigeants occidentaux demeurent quand même prudents.\xa0Le président américain Joe Biden n’a pas caché son scepticisme même s’il se dit toujours prêt aux négociations. Pour lui, une invasion de l’Ukraine par la Russe demeure “possible”. «\xa0Si la Russie commet cette violation en s’emparant de l’Ukraine, les nations responsables du monde entier n’hésiteront pas à réagir. Si nous ne défendons pas la liberté là où elle est menacée aujourd’hui, nous paierons certainement un prix plus élevé demain.\xa0» a déclaré le président américain à la Maison Blanche.",
    "C’est également la position défendue\xa0par l’OTAN. En effet, l’organisation internationale militaire considère “à ce stade” ne pas voir de signe de désescalade de la part de la Russie. “Au contraire, il apparaît que la Russie continue de renforcer sa présence militaire (…) La Russie peut encore envahir l’Ukraine sans préavis, les capacités sont en place\xa0» avec plus de 100 000 soldats, a affirmé Jens Stoltenberg, secrétaire général de l’OTAN à Bruxelles.",
    "En réponse, le\xa0 Kremlin se réjouit que les Etats-Unis veuillent poursuivre la voie diplomatique. La Russie se montre aussi favorable pour des “négociations sérieuses” avec les Américains.",
]
