"""Replies of the project's own, written to the shape of real ones (boilerplate, quoted requests, advice,
rights paragraphs, Scottish wording, web-page layouts) — each reproduces a pattern real letters have.
"""

from foi.questions import Question

# The request as a requester types it: an opening question without a number, then numbered ones.
REMOTE_WORKING = [
    Question("What policies are in place to enable remote working during the lockdown since 1 January 2020?"),
    Question(
        "Breakdown of the number of new devices purchased by your organisation since 1 January 2020:",
        ("Laptops", "Tablet computers", "Mobile phones"),
    ),
    Question(
        "Detail on remote working software and licences purchased since 1 January 2020:",
        ("Number of Zoom accounts created", "Number of new Office 365 accounts purchased"),
    ),
]

# A partial answer that restates the request under its own numbering and skips two sub-items.
PARTIAL_REMOTE_WORKING = """Anytown Borough Council
Civic Centre, High Street
Anytown AN1 1AA

9 April 2020
Our ref: 7730215

Thank you for your request received on 7 April 2020, for the following information:

**What policies are in place to enable remote working during the lockdown since 1 January 2020?**

**1. Breakdown of the number of new devices purchased by your organisation since 1 January 2020:**

- o Laptops**
- o Tablet computers**
- o Mobile phones**

**2. Detail on remote working software and licences purchased since 1 January 2020:**

- o Number of Zoom accounts created**
- o Number of new Office 365 accounts purchased**

We have processed this request under the Freedom of Information Act 2000.

## **Response**

The council holds the information requested and the answers to your questions are below.

***What policies are in place to enable remote working during the lockdown since 1 January 2020?***

Please see the attached remote working policy.

**1. Breakdown of the number of new devices purchased by your organisation since 1 January 2020:**

The council replaces a fifth of its laptops each year (about 480), and devices that fail out of warranty
(around 90). No tablets were bought, as we use two-in-one laptops for this purpose.

**2. Detail on remote working software and licences purchased since 1 January 2020:**

Zoom is not supported by the council - we use Microsoft Teams

All users of the corporate systems have an Office 365 account.

**Further information**

You may wish to visit Open Anytown, the council's data portal, which brings together our published
datasets for anyone to use.

**Your rights**

If you are unhappy with the way your request for information has been handled, you can request a review
within the next 40 working days by writing to the Information Governance Team at foi@anytown.gov.uk.

If, having exhausted our review procedure, you remain dissatisfied, you have a right to appeal to the
Information Commissioner at Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF. There is no charge.
"""

# An acknowledgement that promises a reply well after the statutory 20 working days.
LATE_ACKNOWLEDGEMENT = """Dear Ms Lovelace,

Our ref: ACK-55120

Thank you for your request for information, which we received on {received}. Your request is being dealt
with under the Freedom of Information Act 2000.

Due to the volume of requests we are currently handling, we will respond by {promised}.

If you have any queries about this request, please contact the Information Governance Team, quoting the
reference above.

Yours sincerely,

Information Governance Team
"""

# A whole-request refusal on cost, with "we hold" wording, the statutory definition and advice.
COST_REFUSAL = """Dear Mr Jones,

TfW Ref: FOI-3312-2425

Thank you for your request received by Transport for Wales (TfW) on 3 March 2025 asking for every
complaint about late trains since 2015.

I can confirm that we hold the information you require. However, to provide it would exceed the
'appropriate limit' of £450 set by the Freedom of Information and Data Protection (Appropriate Limit and
Fees) Regulations 2004.

Under section 12 of the Freedom of Information Act, we are not obliged to comply with a request if we
estimate that the cost of determining whether we hold the information, locating and retrieving it and
extracting it from other information would exceed the appropriate limit. This is calculated at £25 per hour.

Our complaints system has no category for late trains, so each of about 41,000 complaints would have to be
read by hand.

To help bring the cost below the limit, you may wish to consider narrowing your request, for example to a
single year. If you do, the information may be subject to an exemption, which we would then consider.

If you are not satisfied with this response, you may request an internal review within 40 working days.

Yours sincerely,

FOI Case Officer
"""

# A review outcome that quotes the requester's review request, which mentions a clarification.
REVIEW_OUTCOME = """Dear Mr Patel,

Internal review: FOI 2024/118

You wrote on 2 May 2024:

> I am writing to ask for an internal review. You asked me for clarification in March, which I gave,
> and you still refused my request under section 43. I do not accept that the exemption applies.

I have now considered your request afresh. As a result of this review, I have decided that the original
decision is upheld: the information is exempt under section 43(2), and the public interest favours
withholding it.

If you are not content with the outcome of the internal review, you may apply to the Information
Commissioner for a decision.

Yours sincerely,

Head of Legal Services
"""

# A Scottish web-page layout: labels and values on separate lines, a s.17 "not held" notice.
SCOTTISH_NOT_HELD = """Ferry timetable consultation responses: FOI release
- Published
- 2 July 2024
- FOI reference
- FOI/202400411020
- Date received
- 3 June 2024
- Date responded
- 28 June 2024
Information request and response under the Freedom of Information (Scotland) Act 2002
Information requested
"Copies of all responses to the 2023 ferry timetable consultation from island councils."
Response
While our aim is to provide information whenever possible, in this instance the Scottish Government does not
have the information you have requested. The consultation was run by the ferry operator, not by us.
This is a formal notice under section 17(1) of FOISA that the Scottish Government does not have the
information you have requested.
If you are unhappy with this response, you may ask us to carry out an internal review, under section 20(1)
of FOISA, within 40 working days. Our review response is due within 20 working days under section 21(1).
"""

# A police force's "neither confirm nor deny": the exemptions listed with their subsections, then named bare again;
# the caveat that no inference may be drawn "from this refusal" is hedged ("can be") and decides nothing itself.
NEITHER_CONFIRM_NOR_DENY = """Dear Mr Okafor,

Freedom of Information Act 2000 – Request Reference: FOI/2024/02231

Thank you for your email of 2 April 2024, which we received on the same day, in which you asked:

> Please state how many directed surveillance authorisations the force granted in 2023
> in respect of journalists or their sources.

Response

Northshire Constabulary can neither confirm nor deny that it holds the information you have requested by
virtue of the following exemptions:

Section 23(5) – Information supplied by, or concerning, certain Security Bodies
Section 24(2) – National Security
Section 31(3) – Law Enforcement

Section 23 is an absolute class-based exemption. Sections 24 and 31 are qualified prejudice-based exemptions
and require a public interest test.

Harm in confirming or denying
Confirming or denying whether any such authorisations exist would reveal the use of specialist tactics.

Balance test
After weighing the competing interests I have concluded that the balance favours neither confirming nor
denying that the information is held.

No inference can be taken from this refusal that the information you have requested does or does not exist.

Your right to complain
If you are dissatisfied with the handling of your request you have the right to request an internal review
within 40 working days of the date of this letter. If you remain dissatisfied you may then apply to the
Information Commissioner's Office, Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF.

Yours sincerely

Disclosure Officer
Information Rights Unit
Date: 29 April 2024
"""

# An acknowledgement with none of the set phrases ("we acknowledge", "we will respond"): it says it is
# being dealt with, and by when; a footer disclaimer and a rule follow the signature.
BRIEF_ACKNOWLEDGEMENT = """Dear Requester

Request for information – reference number 101004567

Thank you for your request for information which we received on 11 November 2024. We are dealing with it
under the terms of the Freedom of Information Act 2000 and will reply by 9 December 2024.

If you have any questions please contact us, quoting the reference number above.

Yours sincerely
Corporate Information Unit

------------------------------------------------------------------------
This email and any files transmitted with it are confidential. If you have received this in error please
notify the sender immediately and delete it.
"""

# EIR: one exception applied (12(4)(b)), among the regulations of the procedure around it.
EIR_MANIFESTLY_UNREASONABLE = """Our reference: EIR 24-0331
Date: 2 May 2024

Dear Ms Jones

Environmental Information Regulations 2004

Your request for information of 3 April 2024 has been considered under the Environmental Information
Regulations 2004 (EIR), as the information requested concerns emissions and land use.

You asked for all correspondence between the council and the developer of the Northgate site about air quality
since 2018.

We are refusing your request under regulation 12(4)(b) – manifestly unreasonable. To locate and retrieve every
item would require searching the mailboxes of 37 officers over six years, which we estimate would take more
than 200 hours. Some air quality data is already published, and regulation 6(1)(b) allows us to point you to it.

In applying this exception we have weighed the public interest, as regulation 12(1)(b) requires, and applied
the presumption in favour of disclosure in regulation 12(2). We consider that the public interest in
maintaining the exception outweighs that in disclosure. You may wish to narrow your request, for instance to
the last twelve months.

If you are dissatisfied you can ask us to reconsider. Under regulation 11 you must do so within 40 working
days. You may then complain to the Information Commissioner.

Regards
Information Governance Team
"""

# FOIA s.21: the answer is where the information is published. The paragraph cites the exemption and the
# website (words advice paragraphs also use), and the letter has no other decision.
PUBLISHED_ELSEWHERE = """Dear Requester,

Freedom of Information request FOI-24-778

You asked for the minutes of the Licensing Committee meetings held between January and June 2024.

The information you requested is reasonably accessible to you by other means and is therefore exempt under
section 21 of the Act. The minutes are published on our website at:
https://democracy.example.gov.uk/ieListMeetings.aspx?CId=123

If you cannot open the link, please let us know and we will post you copies.

Kind regards,
Democratic Services
"""

# "Not held", pointing elsewhere, then the closing line every kind of letter has ("this concludes our response").
NOT_HELD_ELSEWHERE = """Dear Sir

REQUEST REF: 0912/24

Thank you for your request of 2 September 2024 for the number of potholes repaired on the M6 in 2023.

Following a search of our records, I can confirm that Blackshire County Council does not hold this information.
The M6 is a motorway and is managed by National Highways, not by the County Council.

You may wish to redirect your request to National Highways at info@nationalhighways.example.

This concludes our response to your request.

Regards
Information Management Team
"""

# A late reply's apology: the date it received the request comes first, the date it now expects to reply later.
LATE_HOLDING_REPLY = """Dear Mr Evans,

FOI 25/0093

Please accept our apologies for the delay in responding to your request for information received on
6 January 2025. Unfortunately we have not been able to complete our response within the 20 working day
deadline, due to the number of requests we are currently receiving.

We are working to provide a response as soon as possible and expect to be able to respond by 21 February 2025.

Yours sincerely
FOI Officer
"""

# A review acknowledgement: "which we received on" one date, the outcome promised by another.
REVIEW_ACKNOWLEDGEMENT = """Dear Ms Adams

Internal review – FOI 3391

We acknowledge receipt of your request for an internal review of our response to your FOI request, which we
received on 3 February 2025.

Your review has been passed to a senior officer who was not involved in the original decision. We aim to send
you the outcome by 3 March 2025.

Regards
FOI Team
"""

# Each question restated under its number; the sub-items answered on their own lines after a dash, one of them
# withheld; the last answered by a link.
LITTER_QUESTIONS = """1. How many fixed penalty notices for littering did the council issue in 2023?
2. How much income did the council receive from those notices in 2023?
3. Which company, if any, carries out litter enforcement on the council's behalf?
   a) the name of the company
   b) the value of the contract
4. A copy of the council's litter enforcement policy."""

ANSWERS_ON_THE_QUESTION_LINES = """Dear Mr Clarke,

Freedom of Information Request – Our Ref: FOI/3345

Thank you for your request for information received on 12 February 2024. Please find our response below.

1. How many fixed penalty notices for littering did the council issue in 2023?
The council issued 4,312 fixed penalty notices for littering in 2023.

2. How much income did the council receive from those notices in 2023?
The income received was £287,450.

3. Which company, if any, carries out litter enforcement on the council's behalf?
a) the name of the company – Kingdom Environmental Services Ltd
b) the value of the contract – We consider that the value of the contract is exempt under section 43(2) of the
Act, as disclosure would prejudice the commercial interests of the council and the contractor. In applying this
exemption we have considered the public interest and concluded that it favours withholding the information.

4. A copy of the council's litter enforcement policy.
Our policy is published on our website: https://www.example.gov.uk/litter-policy

If you are dissatisfied with the handling of your request, you have the right to ask for an internal review.
Internal review requests should be submitted within two months of the date of receipt of the response to your
original letter.

Yours sincerely,
FOI Officer
"""

# "Question N –" headings restating each question, the answers on the lines below.
NOISE_QUESTIONS = """1. How many complaints about noise did the council receive in 2023?
2. For each complaint, the street where the noise occurred."""

ANSWERS_UNDER_QUESTION_HEADINGS = """Dear Mr Ahmed,

Our ref: FOI 8812

Question 1 – How many complaints about noise did the council receive in 2023?
The council received 2,113 noise complaints in 2023.

Question 2 – For each complaint, the street where the noise occurred.
Street names are held in free-text notes on each case file. Extracting them for 2,113 cases would exceed the
appropriate limit of 18 hours, so we are unable to provide this part of your request.

Yours sincerely,
Environmental Health
"""

# A covering email ("please find attached our response") above the letter itself, as the text of a PDF
# attachment follows the body: the letter withholds everything.
COVERING_NOTE_AND_REFUSAL = """Dear Ms Taylor,

Please find attached our response to your Freedom of Information request, reference FOI-2024-0456.

Kind regards,

Information Governance Team
Westshire NHS Foundation Trust


Westshire NHS Foundation Trust
Freedom of Information Act 2000 – Response
Reference: FOI-2024-0456
Date: 14 August 2024

Dear Ms Taylor

You asked for the contract between the Trust and MedSupply Ltd for the supply of theatre consumables, with the
unit prices.

The Trust holds this information. However, we are withholding it under section 43(2) of the Freedom of
Information Act, as disclosure would be likely to prejudice the commercial interests of the Trust and of
MedSupply Ltd.

Section 43 is a qualified exemption. We have considered the public interest and concluded that the public
interest in maintaining the exemption outweighs the public interest in disclosure.

If you are unhappy with this response you may ask for an internal review within 40 working days. If you remain
dissatisfied you may complain to the Information Commissioner.

Yours sincerely
Head of Information Governance
"""

# A review decided in the requester's favour in part, in the words of a complaint rather than a decision.
REVIEW_PARTLY_UPHELD = """Dear Ms Okonjo

Internal review of FOI 23-4410

Thank you for your email of 2 January 2024 requesting an internal review.

I have reviewed the handling of your request. I have decided to partially uphold your complaint. The Council was
right to withhold the names of the junior officers under section 40(2), but it should have provided the total
number of officers involved. That figure is 17.

If you remain dissatisfied, you can complain to the Information Commissioner.

Yours sincerely
Monitoring Officer
22 January 2024
"""

# A review acknowledged with a promise, and none of "we acknowledge" / "we have received".
REVIEW_ACKNOWLEDGED_WITH_A_DATE = """Dear Mr Lewis,

Thank you for your request for an internal review of FOI 2024-3301, received on 9 September 2024. We will respond
to your review request within 20 working days, by 7 October 2024.

Regards,
Information Governance
"""

# A request about refusals, answered in full: "refused" names the subject, in the answer and in the request
# quoted under it ("If any of this is exempt…").
REFUSALS_QUESTIONS = """1. How many planning applications did you refuse in 2023?
2. How many of those refusals were appealed?"""

REFUSED_APPLICATIONS_ANSWERED = """Dear Ms Rahman,

Thank you for your request. The number of refused planning applications in 2023 was 214, and 37 of those
refusals were appealed.

Regards,
Planning Services

From: Aisha Rahman <request-88213-5f2a1c@whatdotheyknow.example>
Sent: 02 April 2024 09:14
To: FOI <foi@council.example>
Subject: Freedom of Information request - Refused planning applications

Dear Council,

Please tell me how many planning applications you refused in 2023, and how many of those refusals were
appealed. If any of this is exempt, please say which exemption applies and provide the rest.

Yours faithfully,
Aisha Rahman
"""

# Not held as asked, but something near it given: a partial answer in all but its words.
HELD_IN_ANOTHER_FORM = """Dear Mr Hill

Ref FOI-3321

We do not hold the information in the format you requested, as we do not produce a monthly breakdown of
spending on agency staff. However, we do hold annual totals for each directorate, which are attached.

Regards
Finance
"""

# Figures given under "In response to your request", naming the request's head word ("children") and little else;
# one part refused on cost, one never mentioned.
PLACEMENTS_QUESTIONS = (
    "1. The number of children placed in out-of-area residential care in each of the last three financial years.\n"
    "2. The average weekly cost of such a placement in each of those years.\n"
    "3. The name of the most expensive provider used."
)

PLACEMENT_FIGURES = """Dear Ms Wood

Re: FOI 24-1209

In response to your request:

Financial year 2021/22: 41 children
Financial year 2022/23: 47 children
Financial year 2023/24: 52 children

We do not record the average weekly cost of placements centrally. To calculate it would require a manual review
of each child's placement record, which would exceed the appropriate limit, so we are unable to provide this part.

Regards,
Children's Services
"""
