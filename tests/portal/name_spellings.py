"""A test set for finding names however they are spelled: names as an Azerbaijani register
records them, each with the ways relatives type them, following public transliteration
conventions — the English one (ə a, x kh, c j, ş sh, ç ch, ğ gh, q g, ü u, ı i), the Russian
one (ə а/е, x х, c дж, q г/к, h г, ş ш, ç ч, ü ю/у, ı ы/и, -yev -ев/-иев), English spellings
of the Russian form ("Mamedov"), and Azerbaijani typed without its letters ("Memmedov").

The people are combinations of common surnames and given names made for this test: they are
not people, and they appear nowhere but in the test database."""

# Recorded name → spellings a visitor types for it (surname and given name in any order).
SPELLINGS = {
    "Məmmədov Elçin": [
        "Mammadov Elchin",
        "Mamedov Elchin",
        "Мамедов Эльчин",
        "Memmedov Elcin",
        "Elchin Mammadov",
        "Эльчин Мамедов",
    ],
    "Həsənov Rəşad": ["Hasanov Rashad", "Гасанов Рашад", "Gasanov Rashad", "Hesenov Resad"],
    "Hüseynov Vüqar": ["Huseynov Vugar", "Гусейнов Вугар", "Guseinov Vugar", "Vugar Huseynov"],
    "Əliyev Fərid": ["Aliyev Farid", "Алиев Фарид", "Aliev Farid", "Eliyev Ferid"],
    "Quliyev Nicat": ["Guliyev Nijat", "Кулиев Ниджат", "Guliev Nidzhat", "Quliyev Nijat"],
    "Cəfərov Cavid": ["Jafarov Javid", "Джафаров Джавид", "Dzhafarov Dzhavid", "Ceferov Cavid"],
    "Abbasov Tural": ["Abbasov Tural", "Аббасов Турал", "Tural Abbasov"],
    "İsmayılov Orxan": ["Ismayilov Orkhan", "Исмаилов Орхан", "Ismailov Orkhan", "Ismayilov Orhan"],
    "Rəhimov Rafiq": ["Rahimov Rafig", "Рагимов Рафик", "Ragimov Rafik", "Rehimov Rafiq"],
    "Nəsirov Tofiq": ["Nasirov Tofig", "Насиров Тофик", "Nasirov Tofik"],
    "Səfərov Şamil": ["Safarov Shamil", "Сафаров Шамиль", "Seferov Samil"],
    "Kərimov Aqil": ["Karimov Agil", "Керимов Агиль", "Kerimov Agil"],
    "Babayev Bəxtiyar": ["Babayev Bakhtiyar", "Бабаев Бахтияр", "Babaev Bakhtiyar"],
    "Bağırov Həsən": ["Bagirov Hasan", "Багиров Гасан", "Baghirov Hasan", "Bagirov Gasan"],
    "Vəliyev Hüseyn": ["Valiyev Huseyn", "Велиев Гусейн", "Veliev Guseyn", "Veliyev Huseyn"],
    "Hacıyev Əli": ["Hajiyev Ali", "Гаджиев Али", "Gadzhiev Ali", "Haciyev Eli"],
    "Orucov Vəli": ["Orujov Vali", "Оруджев Вели", "Orudzhev Veli", "Orucov Veli"],
    "Şahbazov Fikrət": ["Shahbazov Fikrat", "Шахбазов Фикрет", "Sahbazov Fikret"],
    "Mehdiyev Zaur": ["Mehdiyev Zaur", "Мехтиев Заур", "Mekhtiev Zaur"],
    "Nəbiyev Yaşar": ["Nabiyev Yashar", "Набиев Яшар", "Nabiev Yashar"],
    "Allahverdiyev Səməd": [
        "Allahverdiyev Samad",
        "Аллахвердиев Самед",
        "Allakhverdiev Samed",
    ],
    "Zeynalov Azər": ["Zeynalov Azar", "Зейналов Азер", "Zeinalov Azer"],
    "Əhmədov Aydın": ["Ahmadov Aydin", "Ахмедов Айдын", "Akhmedov Aydyn", "Ehmedov Aydin"],
    "Rzayev İlqar": ["Rzayev Ilgar", "Рзаев Ильгар", "Rzaev Ilgar"],
    "Süleymanov Mübariz": ["Suleymanov Mubariz", "Сулейманов Мубариз", "Suleimanov Mubariz"],
    "Musayev Əbülfəz": ["Musayev Abulfaz", "Мусаев Абульфаз", "Musaev Abulfaz"],
    "Axundov Tural": ["Akhundov Tural", "Ахундов Турал", "Ahundov Tural"],
    "Sadıqov Elnur": ["Sadigov Elnur", "Садыхов Эльнур", "Sadykhov Elnur"],
    "Qurbanov Ramil": ["Gurbanov Ramil", "Курбанов Рамиль", "Kurbanov Ramil"],
    "Hümbətov Elşən": ["Humbatov Elshan", "Гумбатов Эльшан", "Gumbatov Elshan"],
    "Tağıyev Fəxri": ["Taghiyev Fakhri", "Тагиев Фахри", "Tagiev Fakhri"],
    "Ağayev Rövşən": ["Aghayev Rovshan", "Агаев Ровшан", "Agaev Rovshan", "Agayev Rovsen"],
    "Əsgərov Nazim": ["Asgarov Nazim", "Аскеров Назим", "Askerov Nazim"],
    "İbrahimov Kamran": ["Ibrahimov Kamran", "Ибрагимов Камран", "Ibragimov Kamran"],
    "Cavadov Rauf": ["Javadov Rauf", "Джавадов Рауф", "Dzhavadov Rauf"],
    "Əzizov Sənan": ["Azizov Sanan", "Азизов Санан", "Ezizov Senan"],
    "Paşayev Emin": ["Pashayev Emin", "Пашаев Эмин", "Pashaev Emin"],
    "Rüstəmov Vasif": ["Rustamov Vasif", "Рустамов Васиф", "Rustemov Vasif"],
    "Bayramov Anar": ["Bayramov Anar", "Байрамов Анар", "Bairamov Anar"],
    "Xəlilov Cəlal": ["Khalilov Jalal", "Халилов Джалал", "Halilov Celal"],
    "Əkbərov Namiq": ["Akbarov Namig", "Акперов Намик", "Akperov Namik"],
    "Əsədov Elxan": ["Asadov Elkhan", "Асадов Эльхан", "Esedov Elxan"],
    "İsgəndərov Ramiz": ["Isgandarov Ramiz", "Искендеров Рамиз", "Iskenderov Ramiz"],
    "Rəsulov Mətləb": ["Rasulov Matlab", "Расулов Матлаб", "Resulov Metleb"],
    "Mirzəyev Vüsal": ["Mirzayev Vusal", "Мирзоев Вусал", "Mirzoev Vusal"],
    "Nuriyev Təbriz": ["Nuriyev Tabriz", "Нуриев Табриз", "Nuriev Tabriz"],
    "Kazımov Qəzənfər": ["Kazimov Gazanfar", "Казымов Газанфар", "Kazymov Gazanfar"],
    "Heydərov Nadir": ["Heydarov Nadir", "Гейдаров Надир", "Geydarov Nadir"],
    "Həmidov Elşad": ["Hamidov Elshad", "Гамидов Эльшад", "Gamidov Elshad"],
    "Səmədov Ceyhun": ["Samadov Jeyhun", "Самедов Джейхун", "Samedov Dzheykhun"],
    "Məmmədova Gülnarə": ["Mammadova Gulnara", "Мамедова Гюльнара", "Mamedova Gulnara"],
    "Əliyeva Səbinə": ["Aliyeva Sabina", "Алиева Сабина", "Alieva Sabina"],
    "Hüseynova Ülviyyə": ["Huseynova Ulviyya", "Гусейнова Ульвия", "Guseynova Ulviya"],
    "Quliyeva Xədicə": ["Guliyeva Khadija", "Кулиева Хадиджа", "Kulieva Khadidzha"],
    "Həsənova Şəhla": ["Hasanova Shahla", "Гасанова Шахла", "Gasanova Shakhla"],
    "Cəfərova Könül": ["Jafarova Konul", "Джафарова Кёнуль", "Dzhafarova Konyul"],
    "Kərimova Nərmin": ["Karimova Narmin", "Керимова Нармин", "Kerimova Narmin"],
}

# Names that sound alike but are other people: they must never come before the one typed.
NEIGHBOURS = [
    "Mahmudov Elçin",
    "Məmmədli Elçin",
    "Məmmədov Elşən",
    "Həsənli Rəşad",
    "Hüseynli Vüqar",
    "Əliyev Fərda",
    "Qasımov Nicat",
    "Həsənov Rəşid",
    "Məmmədova Gülnar",
    "Hüseynov Vüsal",
]
