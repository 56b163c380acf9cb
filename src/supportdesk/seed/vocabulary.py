"""Words the sample data is built from: people, organisations and what they write.

Every address uses the reserved ``.example`` top-level domain, so seeded data
can never send a notification to a real mailbox.
"""

from __future__ import annotations

FIRST_NAMES = (
    "Olivia", "Liam", "Emma", "Noah", "Amelia", "Oliver", "Ava", "Elijah", "Sophia", "Lucas",
    "Isabella", "Mateo", "Mia", "Levi", "Charlotte", "Ethan", "Harper", "James", "Evelyn",
    "Aarav", "Priya", "Wei", "Mei", "Hiroshi", "Yuki", "Fatima", "Omar", "Aisha", "Kwame",
    "Amara", "Chidi", "Ngozi", "Sofia", "Diego", "Lucia", "Carlos", "Ines", "Lars", "Freya",
    "Sven", "Ingrid", "Jakub", "Zofia", "Dmitri", "Anya", "Rahul", "Ananya", "Thabo", "Zanele",
    "Connor", "Siobhan", "Mohammed", "Leila", "Tomas", "Elena", "Kofi", "Abena", "Jin", "Hana",
    "Marcus", "Grace",
)

LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore",
    "Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis", "Walker",
    "Patel", "Sharma", "Chen", "Wang", "Tanaka", "Sato", "Kim", "Nguyen", "Okafor", "Mensah",
    "Adeyemi", "Silva", "Santos", "Rossi", "Bianchi", "Muller", "Schmidt", "Novak", "Kowalski",
    "Ivanova", "Larsen", "Nielsen", "Johansson", "O'Brien", "Murphy", "Kelly", "Haddad",
    "Khan", "Ali", "Cohen", "Dubois", "Moreau", "Fischer", "Costa",
)

COMPANY_STEMS = (
    "Northwind", "Contoso", "Fabrikam", "Tailspin", "Woodgrove", "Litware", "Adatum", "Proseware",
    "Lucerne", "Wingtip", "Blue Yonder", "Coho", "Alpine Ski", "Margie's", "Trey", "Humongous",
    "Fourth Coffee", "Graphic Design", "Wide World", "City Power", "Bellows", "Southridge",
    "Consolidated", "Lamna", "Relecloud", "VanArsdel", "Nod", "Munson's", "Liberty's",
    "Cronus", "Great Lakes", "Redwood", "Silverline", "Harbor", "Summit", "Ironbridge",
    "Clearwater", "Bright Path", "Oakridge", "Evergreen", "Pinnacle", "Riverside", "Sunrise",
    "Keystone", "Meridian", "Horizon", "Granite", "Copperfield", "Lakeshore", "Bluebird",
)

COMPANY_SUFFIXES = (
    "Traders", "Logistics", "Bank", "Airlines", "Insurance", "Software", "Health", "Foods",
    "Energy", "Motors", "Publishing", "Consulting", "Retail", "Labs", "Hotels", "Studios",
)

CITIES = (
    "London", "Leeds", "Dublin", "Berlin", "Munich", "Paris", "Lyon", "Madrid", "Lisbon",
    "Milan", "Warsaw", "Prague", "Oslo", "Stockholm", "Toronto", "Chicago", "Austin", "Denver",
    "Seattle", "Sydney", "Singapore", "Bangalore", "Tokyo", "Nairobi", "Lagos", "Cape Town",
)

# Addresses of contacts who write in privately, not on behalf of a company.
PERSONAL_DOMAINS = ("mail.example", "inbox.example", "post.example", "webmail.example")

TITLES = (
    "Office Manager", "IT Administrator", "Accountant", "Sales Representative",
    "Operations Lead", "Receptionist", "Marketing Coordinator", "Director", "Engineer", None,
)

PRODUCTS = (
    "the LaserJet 400 printer", "my laptop", "the VPN client", "Outlook", "the billing portal",
    "the mobile app", "the shared drive", "our Wi-Fi", "the CRM", "the invoice export",
    "the desk phone", "the docking station", "Teams", "the password reset page",
    "the customer portal", "the payroll report", "the second monitor", "the scanner",
    "the label printer", "single sign-on",
)

SUBJECTS = (
    "Cannot log in to {product}",
    "{product_title} keeps crashing",
    "Problem with {product}",
    "Error message when opening {product}",
    "Request: access to {product}",
    "{product_title} is very slow today",
    "Question about {product}",
    "Printer 'Out of Ink' again",
    "Refund for order #{order}",
    "Invoice {invoice} shows the wrong amount",
    "Please update my billing address",
    "Urgent: {product} down for the whole team",
    "How do I export data from {product}?",
    "New starter needs a laptop and accounts",
    "Customer's request for a callback",
    "Password expired and reset link does not work",
    "Cannot connect to {product} from home",
    "Quote request for {count} licences",
    "Order #{order} has not arrived",
    "Feature request for {product}",
)

OPENINGS = (
    "Hi team,", "Hello,", "Good morning,", "Hi there,", "Dear support,", "Hello support team,",
)

PROBLEM_LINES = (
    "Since this morning {product} shows an error and I cannot get any work done.",
    "I have tried restarting twice, but {product} still does not respond.",
    "When I open {product} I get the message \"Something went wrong (code {code})\".",
    "This started after yesterday's update and affects {count} people in our office.",
    "Could you please look into this? We have a deadline on Friday.",
    "I was charged twice for order #{order} and would like one payment refunded.",
    "Our finance team needs invoice {invoice} re-issued with the new VAT number.",
    "Could you give me access to {product}? My manager has approved it.",
    "The issue happens on both Windows and Mac, so it is probably not my machine.",
    "I attached a screenshot of the error earlier but the email may have bounced.",
    "Is there a workaround we can use until it is fixed?",
    "It worked fine last week & nothing has changed on our side.",
)

CLOSINGS = ("Thanks,", "Many thanks,", "Kind regards,", "Best,", "Cheers,", "Thank you,")

AGENT_REPLIES = (
    "Thanks for reaching out. I am looking into this now and will update you shortly.",
    "Could you send us a screenshot of the error and the time it happened?",
    "We have reset your access; please sign out and back in, then let us know if it works.",
    "This is a known issue after the latest update. A fix is being rolled out today.",
    "I have issued the refund; it should reach your account within 3-5 business days.",
    "Please try clearing your browser cache and opening the page again.",
    "I have escalated this to our engineering team and marked it as a priority.",
    "The corrected invoice is attached. Sorry for the trouble!",
    "Your new laptop is ready for collection at the front desk.",
    "We have not heard back from you, so we will close this ticket in two days.",
)

CONTACT_REPLIES = (
    "Thanks, that fixed it!",
    "I tried that but it still does not work.",
    "Here is the screenshot you asked for.",
    "Any update on this? It is still blocking us.",
    "Great, thank you for the quick help.",
    "It happened again at 10:15 this morning.",
    "Yes, please go ahead.",
    "Could you call me back instead? My number is in my signature.",
)

AGENT_NOTES = (
    "Checked the logs: the account was locked after five failed attempts.",
    "Customer is on the premium plan; handle within the day.",
    "Duplicate of an earlier ticket from the same contact.",
    "Waiting for the vendor to confirm the replacement part.",
    "Refund approved by finance.",
    "Spoke to the customer by phone; they are happy with the workaround.",
)
