"""Search lexicon: synonyms, broken-plural lemmas and stop words. Data only.

Entries are written as people type them (hamza, taa marbuta, capitals); the search index
runs every entry through the same normaliser and stemmer as documents and queries, so
"استمارة" here matches "إستمارة", "استماره" and "الاستمارات" in a query.
Editing rules:
- A synonym group lists phrases that mean the same thing to a searcher, in any language.
  Members may be several words ("رخصة سواقة"); a query phrase that matches one member also
  matches the others, at a slightly lower weight than its own words.
- Keep groups narrow: every member is expanded to every other member, both ways.
- LEMMAS maps a word form the light stemmer cannot reach (broken plurals, colloquial verb
  forms) to its dictionary form; the result is then stemmed like any other word.
"""
from __future__ import annotations

SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    # apps, agencies and transliterations
    ("metrash", "metrash2", "metrash 2", "matrash", "مطراش", "مترش", "مطراش2", "مترش2",
     "مطراش 2"),
    ("kahramaa", "kahrama", "kaharamaa", "كهرماء", "كهرما", "electricity", "كهرباء", "كهربا"),
    ("ashghal", "ashgal", "أشغال", "اشغال", "public works", "الأشغال العامة"),
    ("hamad", "hmc", "حمد", "مؤسسة حمد"),
    ("fahes", "فاحص", "vehicle inspection", "الفحص الفني"),
    ("aoun", "عون"),
    # documents and cards
    ("istimara", "istimarah", "estimara", "istemara", "استمارة", "vehicle registration",
     "car registration", "vehicle licence"),
    ("iqama", "iqamah", "ikama", "إقامة", "residence permit", "residency", "rp",
     "resident permit", "residence card", "بطاقة الإقامة"),
    ("رخصة قيادة", "رخصة سواقة", "ليسن", "ليسن سواقة", "ليسنس", "driving licence",
     "driver licence", "driving license", "driver license", "driver's license"),
    ("qid", "qatar id", "qatari id", "id card", "identity card", "national id",
     "بطاقة شخصية", "بطاقة الهوية", "هوية", "الرقم الشخصي", "بطاقة شخصيه"),
    ("police clearance", "police certificate", "good conduct", "good conduct certificate",
     "pcc", "حسن سيرة", "حسن السيرة والسلوك", "حسن سير وسلوك", "شهادة حسن سيرة",
     "سجل جنائي", "criminal record"),
    ("health card", "hamad card", "hmc card", "بطاقة صحية", "كرت صحي", "كارت صحي",
     "كرت حمد", "بطاقة حمد"),
    ("passport", "جواز", "جواز سفر", "باسبور"),
    ("visa", "تأشيرة", "فيزا", "فيزه"),
    ("birth certificate", "شهادة ميلاد"),
    ("noc", "no objection", "no objection certificate", "عدم ممانعة"),
    ("cr", "commercial registration", "commercial register", "سجل تجاري"),
    ("trade name", "business name", "company name", "اسم تجاري"),
    ("po box", "p o box", "p.o. box", "mailbox", "صندوق بريد", "ص ب"),
    ("رخصة", "ترخيص", "licence", "license"),
    # things and actions
    ("fine", "violation", "penalty", "traffic fine", "traffic violation", "مخالفة",
     "غرامة", "مخالفة مرورية"),
    ("bill", "invoice", "فاتورة"),
    ("pay", "payment", "settle", "سداد", "دفع", "تسديد"),
    ("renew", "renewal", "تجديد"),
    ("complaint", "complain", "grievance", "شكوى", "تظلم"),
    ("car", "vehicle", "automobile", "سيارة", "مركبة", "موتر"),
    ("appointment", "booking", "موعد", "حجز موعد"),
    ("absconding", "abscond", "runaway", "run away", "هروب", "بلاغ هروب", "ترك العمل",
     "تغيب عن العمل"),
    ("sponsor", "employer", "kafeel", "kafala", "كفيل", "صاحب العمل", "كفالة"),
    ("medical commission", "medical fitness", "medical test", "القومسيون الطبي",
     "الكومسيون", "كومسيون", "الفحص الطبي"),
    ("attest", "attestation", "legalize", "legalization", "تصديق"),
    ("notary", "notarize", "power of attorney", "كاتب العدل", "وكالة شرعية", "توكيل"),
    ("sewage", "sewer", "drainage", "صرف صحي", "مجاري"),
    ("outage", "power cut", "blackout", "انقطاع"),
    ("leak", "leakage", "تسرب", "تسريب"),
    ("lost", "missing", "فاقد", "ضائع", "ضايع", "بدل فاقد"),
    ("vaccination", "vaccine", "immunization", "immunisation", "تطعيم", "لقاح"),
    ("shipment", "parcel", "package", "شحنة", "طرد"),
    ("tax", "ضريبة"),
    ("customs", "جمارك"),
    ("social security", "financial aid", "الضمان الاجتماعي", "مساعدة مالية"),
    ("newborn", "baby", "مولود", "مواليد"),
    ("school", "مدرسة"),
    ("equivalency", "equivalence", "certificate equivalency", "معادلة"),
    ("lease", "rent contract", "tenancy contract", "عقد إيجار", "عقد الإيجار"),
    ("building permit", "construction permit", "رخصة بناء", "ترخيص بناء"),
    ("work permit", "تصريح عمل"),
    ("address", "عنوان", "عنواني"),
    ("water", "ماء", "مياه", "موية"),
    ("call center", "contact center", "109", "مركز الاتصال"),
)

# Broken plurals and colloquial forms -> dictionary form (stemmed afterwards).
LEMMAS: dict[str, str] = {
    "شكاوى": "شكوى", "شكاوي": "شكوى", "رخص": "رخصة", "فواتير": "فاتورة",
    "وثائق": "وثيقة", "عقود": "عقد", "طلبات": "طلب", "مخالفات": "مخالفة",
    "شهادات": "شهادة", "خدمات": "خدمة", "مركبات": "مركبة", "سيارات": "سيارة",
    "بطاقات": "بطاقة", "تأشيرات": "تأشيرة", "مدارس": "مدرسة", "مستندات": "مستند",
    "مواعيد": "موعد", "مكاتب": "مكتب", "رسوم": "رسم", "أوراق": "ورقة", "مراكز": "مركز",
    "مواليد": "مولود", "أعمال": "عمل", "طرق": "طريق", "جوازات": "جواز",
    "إقامات": "إقامة", "مستشفيات": "مستشفى", "شركات": "شركة", "قوانين": "قانون",
    "أراضي": "أرض", "أراض": "أرض", "قروض": "قرض", "منازل": "منزل", "مساكن": "مسكن",
    "بيوت": "بيت", "شوارع": "شارع", "مناطق": "منطقة", "تراخيص": "ترخيص", "أسماء": "اسم",
    "أجهزة": "جهاز", "مواقع": "موقع", "طلاب": "طالب", "مرضى": "مريض", "أطباء": "طبيب",
    "نماذج": "نموذج", "استمارات": "استمارة", "إجراءات": "إجراء", "معاملات": "معاملة",
    "بيانات": "بيان", "سجلات": "سجل", "عناوين": "عنوان", "أعطال": "عطل", "مبان": "مبنى",
    "مباني": "مبنى", "محلات": "محل", "أسواق": "سوق", "ضرائب": "ضريبة", "جمارك": "جمرك",
    "بضائع": "بضاعة", "أوقات": "وقت", "أيام": "يوم", "أسر": "أسرة", "لوحات": "لوحة",
    "وكالات": "وكالة", "موظفين": "موظف", "مواطنين": "مواطن", "مقيمين": "مقيم",
    "صناديق": "صندوق", "شحنات": "شحنة", "تطعيمات": "تطعيم",
    "أمراض": "مرض", "أدوية": "دواء", "أبناء": "ابن", "أولاد": "ولد", "أطفال": "طفل",
    "زوجات": "زوجة", "مياه": "ماء", "أنظمة": "نظام", "حقوق": "حق", "أملاك": "ملك",
    "عقارات": "عقار", "دفاتر": "دفتر", "أسلحة": "سلاح", "حوادث": "حادث",
    # colloquial verbs a citizen types instead of the catalogue's verbal nouns
    "اجدد": "تجديد", "جدد": "تجديد", "يجدد": "تجديد", "نجدد": "تجديد", "أجدد": "تجديد",
    "اسدد": "سداد", "سدد": "سداد", "أسدد": "سداد", "ادفع": "دفع", "أدفع": "دفع",
    "استخرج": "استخراج", "اسجل": "تسجيل", "أسجل": "تسجيل", "احجز": "حجز", "أحجز": "حجز",
    "اشتكي": "شكوى",
    "أشتكي": "شكوى", "اشتكى": "شكوى", "ابلغ": "بلاغ", "أبلغ": "بلاغ", "اتابع": "متابعة",
    "أتابع": "متابعة", "تابع": "متابعة", "انقل": "نقل", "أنقل": "نقل", "الغي": "إلغاء",
    "ألغي": "إلغاء", "اعترض": "اعتراض",
}

STOP_WORDS_AR: frozenset[str] = frozenset({
    "في", "من", "على", "عن", "الى", "إلى", "مع", "او", "أو", "ثم", "هذا", "هذه", "ذلك",
    "تلك", "التي", "الذي", "الذين", "ما", "ماذا", "لا", "لم", "لن", "ان", "أن", "إن", "كان",
    "كانت", "قد", "هو", "هي", "هم", "نحن", "انا", "أنا", "انت", "أنت", "كيف", "كيفية",
    "متى", "اين", "أين", "هل", "كل", "بعض", "عند", "بين", "حتى", "بعد", "قبل", "و", "ب",
    "ل", "ك", "ف", "يا", "اي", "أي", "لو", "ولا", "وفي", "ومن", "بال", "عبر", "لدى",
    "طريقة", "ابي", "أبي", "ابغى", "أبغى", "ابغي", "اريد", "أريد", "عايز", "بدي", "وين",
    "شلون", "ممكن", "سمحت", "ابى", "لي", "الي", "عندي",
})

STOP_WORDS_EN: frozenset[str] = frozenset({
    "a", "an", "the", "of", "for", "to", "and", "or", "not", "my", "in", "on", "at", "by",
    "with", "from", "is", "are", "be", "how", "do", "does", "i", "me", "can", "want", "need",
    "what", "where", "when", "which", "who", "your", "our", "please", "get", "it", "this",
    "that", "as", "via", "into", "about", "online", "e",
})
