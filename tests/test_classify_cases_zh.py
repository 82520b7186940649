"""Own Chinese test sentences for the narrative classifier (patterns/zh.toml, times.py):
new phrasings, negations, threats and promises, the borrower's own acts, and time traps."""
from __future__ import annotations

import pytest

from analysis.classify import classify_narrative


def _r(text):
    return classify_narrative(text, "zh")


def _exact(r):
    return {t.time_local for t in r.times if t.is_contact and t.precision == "exact"}


# --- conducts: new phrasings -------------------------------------------------------------------
@pytest.mark.parametrize("text,code", [
    ("他们每隔几分钟就打一个，手机都没法用了。", "FREQ_EXCESSIVE_CALLS"),
    ("我把号码拉黑了，他们又换了好几个号码轮番打。", "FREQ_EXCESSIVE_CALLS"),
    ("一开机就是几十个未接来电。", "FREQ_EXCESSIVE_CALLS"),
    ("一天之内给我打了三十多个电话。", "FREQ_EXCESSIVE_CALLS"),
    ("昨晚收到几十条催收短信。", "FREQ_EXCESSIVE_MESSAGES"),
    ("一晚上收了四十多条短信。", "FREQ_EXCESSIVE_MESSAGES"),
    ("我跟他们说了别再给我爸妈打电话，他们依然天天打。", "CEASE_IGNORED"),
    ("我请他们不要再联系我的同事，结果第二天又打到我单位。", "CEASE_IGNORED"),
    ("说好协商期间请勿来电。结果当天照打不误。", "CEASE_IGNORED"),
    ("对方说他是法院的书记员，让我马上还款。", "IMPERSONATION_OFFICIAL"),
    ("他们给我发了一张伪造的法院传票。", "IMPERSONATION_OFFICIAL"),
    ("短信说案件已移交法院，我回拨过去一问，原来是催收公司。", "IMPERSONATION_OFFICIAL"),
    ("催收说我已经涉嫌信用卡诈骗，要移交公安。", "THREAT_ARREST_OR_CRIME"),
    ("说我再不还就等着吃牢饭。", "THREAT_ARREST_OR_CRIME"),
    ("说不还的话我爸妈要承担连带责任。", "MISLEADING_CONSEQUENCES"),
    ("说以后我孩子政审过不了。", "MISLEADING_CONSEQUENCES"),
    ("说要查封我的房子。", "MISLEADING_CONSEQUENCES"),
    ("对方威胁说知道我住哪，让我出门小心点。", "THREAT_VIOLENCE"),
    ("说知道我女儿在哪个学校上学。", "THREAT_VIOLENCE"),
    ("电话里一口一个傻逼。", "ABUSIVE_LANGUAGE"),
    ("说了很多难听的话羞辱我。", "ABUSIVE_LANGUAGE"),
    ("他们在小区门口贴了我的照片。", "PUBLIC_SHAMING"),
    ("当着我同事的面说我欠钱不还。", "PUBLIC_SHAMING"),
    ("昨天两个人来我单位找我，在办公室大吵大闹。", "VISIT_IMPROPER"),
    ("两个人跑到我公司前台，拿着喇叭喊我名字。", "VISIT_IMPROPER"),
    ("催收把我堵在小区门口不让我走。", "DETENTION"),
    ("堵在门口不让我出门，说今天不还钱哪也别想去。", "DETENTION"),
    ("我问他是哪家公司的，他支支吾吾不肯说。", "NO_IDENTIFICATION"),
    ("打电话从来不报工号，拒绝透露公司名称。", "NO_IDENTIFICATION"),
    ("他们用私人手机号给我打电话。", "PRIVATE_CHANNEL_USE"),
    ("催收员让我去其他平台借钱先还上。", "EXTRA_FEES_OR_NEW_LOANS"),
    ("还给我发了好几个贷款APP的下载链接。", "EXTRA_FEES_OR_NEW_LOANS"),
    ("他们把我的借款信息发给了我的通讯录好友。", "CONTACT_LIST_BLAST"),
])
def test_classify_zh__new_phrasings_give_the_conduct(text, code):
    assert code in _r(text).conducts


# --- negations, threats, promises, the borrower's own words: no label ---------------------------
@pytest.mark.parametrize("text,code", [
    ("催收态度很好，没有骂人，也没有威胁。", "ABUSIVE_LANGUAGE"),
    ("他们没有限制我的人身自由。", "DETENTION"),
    ("紧急联系人不用承担连带责任。", "MISLEADING_CONSEQUENCES"),
    ("我跟催收说“你再打我就找媒体曝光你们”。", "PUBLIC_SHAMING"),
    ("扬言要把我的照片发到朋友圈。", "PUBLIC_SHAMING"),
    ("每次都先报工号和公司名字。", "NO_IDENTIFICATION"),
    ("我希望他们不要再骚扰我，我还是会还钱的。", "CEASE_IGNORED"),
    ("您的案件已移交XX区人民法院立案庭。", "THREAT_ARREST_OR_CRIME"),
    ("当初业务员让我借的。", "EXTRA_FEES_OR_NEW_LOANS"),
    ("连着一个礼拜每天打一次。", "FREQ_EXCESSIVE_CALLS"),
    ("扬言明天去堵我家门口。", "VISIT_IMPROPER"),
    ("领导都问我是不是出啥事了。", "EMPLOYER_CONTACT"),
    ("说如果再不还就打给我领导。", "EMPLOYER_CONTACT"),
    ("催收扬言要去我公司闹。", "EMPLOYER_CONTACT"),
    ("催收打电话过来，老婆孩子全被吵醒了，说我是老赖。", "THIRD_PARTY_DISCLOSURE"),
    ("还说他们知道我儿子在哪个幼儿园，我欠的钱必须还。", "THIRD_PARTY_DISCLOSURE"),
    ("通讯录里以前的同事都接到了电话。", "EMPLOYER_CONTACT"),
])
def test_classify_zh__traps_give_no_conduct(text, code):
    assert code not in _r(text).conducts


# --- methods ----------------------------------------------------------------------------------
@pytest.mark.parametrize("text,methods", [
    ("我自己昨晚十一点多打平台客服电话想协商延期。", ()),
    ("我打平台客服电话，客服说明天上午会给我发短信确认。", ()),
    ("我给催收打了个电话，他说可以减免。", ()),
    ("我主动联系了催收，想协商分期。", ()),
    ("借款时说年化不超过24%，结果算下来快36%了。", ()),
    ("他们没有联系过我的家人，只打我本人电话。", ("phone_call",)),
    ("催收从来没上门，也没在凌晨打过，都是白天打的。", ("phone_call",)),
    ("这家从来没给我本人打过一个电话，直接寄了张明信片到我单位。", ("postcard",)),
    ("他们打到我老家，跟我爷爷奶奶说我在外面欠了钱。", ("phone_call",)),
    ("他们发短信说“明天就安排外访人员上门”。后来也没见有人来。", ("sms",)),
    ("催收说会把材料寄到我户籍地派出所。", ("phone_call",)),
    ("两个男的找到我租的房子，堵在门口不让我出门。", ("visit_home",)),
    ("上个月两个人跑到我公司前台，说我欠钱不还。", ("visit_work",)),
    ("催收把我堵在小区门口不让我走。", ("visit_home",)),
    ("催收态度一直挺好，每次都先报工号。", ("phone_call",)),
])
def test_classify_zh__methods(text, methods):
    assert _r(text).methods == methods


@pytest.mark.parametrize("text,recipients", [
    ("催收打电话给我婆婆，说我欠钱不还。", ("family",)),
    ("他们给我妈打了电话，把我借钱的事全说了。", ("family",)),
    ("还转到了我们村的微信群里。", ("neighbor_or_friend",)),
    ("我们老板找我谈话，说有人联系他让他转告我赶紧还钱。", ("employer_or_coworker",)),
    ("通讯录里的同学、甚至我房东都接到了电话。", ("contact_list", "neighbor_or_friend")),
    ("催收半夜打电话过来，老婆孩子全被吵醒了。", ("debtor",)),
])
def test_classify_zh__recipients_need_a_contact(text, recipients):
    assert _r(text).recipients == recipients


# --- times ------------------------------------------------------------------------------------
@pytest.mark.parametrize("text,exact", [
    ("催收一般是下午三四点打过来。", {"15:00", "16:00"}),
    ("晚上十一二点还在打电话。", {"23:00", "00:00"}),
    ("晚上九点到十一点一直在打电话。", {"21:00", "23:00"}),
    ("从晚上十点一直打到十二点。", {"22:00", "00:00"}),
    ("晚上十点一直打电话。", {"22:00"}),
    ("早上八点五分打来电话。", {"08:05"}),
    ("我是晚上十点下班，催收一般都是白天打。", set()),
    ("两三点打来电话。", set()),
])
def test_classify_zh__clock_times(text, exact):
    assert _exact(_r(text)) == exact


def test_classify_zh__a_daypart_that_starts_a_range_leaves_the_end_ambiguous():
    # 从早上到十一点半: 早上 is the range's start, so 十一点半 is 11:30 or 23:30, never exact
    r = _r("昨天从早上到十一点半一共收到两百多条短信。")
    half_eleven = [t for t in r.times if t.text == "十一点半"]
    assert [(t.precision, t.candidates) for t in half_eleven] == [("ambiguous", ("11:30", "23:30"))]
    assert _exact(r) == set()


def test_classify_zh__two_neighbouring_hours_without_daypart_stay_ambiguous():
    r = _r("两三点打来电话。")
    assert [t.candidates for t in r.times] == [("02:00", "14:00"), ("03:00", "15:00")]
    assert all(t.precision == "ambiguous" for t in r.times)


def test_classify_zh__two_digit_token_is_never_a_clock_hour():
    # 两三点 is "two or three o'clock", never 23:00
    assert "23:00" not in {t.time_local for t in _r("下午两三点打来电话。").times}
    assert _exact(_r("下午两三点打来电话。")) == {"14:00", "15:00"}


# --- blind set C1/B round: new phrasings (own sentences) ----------------------------------------
@pytest.mark.parametrize("text,code", [
    ("催收一天打我二三十个电话，真的受不了。", "FREQ_EXCESSIVE_CALLS"),
    ("短信一天五六十条，手机都卡了。", "FREQ_EXCESSIVE_MESSAGES"),
    ("客服答应我不再打给我爸妈，可第二天他们还是打了。", "CEASE_IGNORED"),
    ("我们投诉后公司保证停止催收，结果这周又开始打了。", "CEASE_IGNORED"),
    ("电话里张口就问候我祖宗十八代。", "ABUSIVE_LANGUAGE"),
    ("骂我算什么玩意儿。", "ABUSIVE_LANGUAGE"),
    ("说知道我住在哪，叫我下班路上注意点。", "THREAT_VIOLENCE"),
    ("说再不还可就没这么简单了。", "THREAT_VIOLENCE"),
    ("对方开口就说“我们是市公安局的”。", "IMPERSONATION_OFFICIAL"),
    ("说是派出所的，我回拨过去一问，原来是外包催收。", "IMPERSONATION_OFFICIAL"),
    ("我去问了那家律师事务所，对方表示没有这位律师。", "IMPERSONATION_ATTORNEY"),
    ("两个人闯进我家，把门反锁，不给钱谁也别想走。", "DETENTION"),
    ("半夜十二点两个人来我家砸门。", "VISIT_IMPROPER"),
    ("在我家楼道墙上用油漆写了我的名字和欠款。", "PUBLIC_SHAMING"),
    ("在小区业主群里发我的欠款截图。", "PUBLIC_SHAMING"),
    ("说会让我单位从工资里扣。", "MISLEADING_CONSEQUENCES"),
    ("说我这是骗贷，要报给经侦。", "THREAT_ARREST_OR_CRIME"),
    ("给我婆婆打电话，跟她说我在外面欠了十几万。", "THIRD_PARTY_DISCLOSURE"),
    ("催收要我先交800的停催费才肯停。", "EXTRA_FEES_OR_NEW_LOANS"),
    ("叫我去另一个网贷平台借钱还他们。", "EXTRA_FEES_OR_NEW_LOANS"),
    ("我问他们是哪里的，对方啥也不说就挂了。", "NO_IDENTIFICATION"),
])
def test_classify_zh__round_c_phrasings_give_the_conduct(text, code):
    assert code in _r(text).conducts


@pytest.mark.parametrize("text,code", [
    ("他们一天一两个电话，还算正常。", "FREQ_EXCESSIVE_CALLS"),
    ("一天两三条短信提醒。", "FREQ_EXCESSIVE_MESSAGES"),
    ("您的案件已立案，请尽快联系处理。", "THREAT_ARREST_OR_CRIME"),
    ("协商这事没那么简单。", "THREAT_VIOLENCE"),
    ("我跟我妈说了我欠钱的事。", "THIRD_PARTY_DISCLOSURE"),
    ("我赶紧把门锁了不让他们进来。", "DETENTION"),
    ("晚上八点来我家敲门。", "VISIT_IMPROPER"),
    ("还问人事能不能直接从我工资里扣。", "MISLEADING_CONSEQUENCES"),
    ("说要让全村人都知道我欠钱。", "PUBLIC_SHAMING"),
])
def test_classify_zh__round_c_traps_give_no_conduct(text, code):
    assert code not in _r(text).conducts


@pytest.mark.parametrize("text,methods", [
    ("我自己晚上十一点打给平台客服问能不能延期。", ()),
    ("说实话他们没爆我通讯录，也没打给我家里人，就是利息太高。", ()),
    ("客服说系统延迟，已经三天了。", ()),
    ("我打人工客服投诉催收态度。", ()),
    ("收到一封电子邮件，说要起诉我。", ("email",)),
    ("他们在抖音上发了我的照片说我是老赖。", ("social_media_public",)),
    ("在快手上私信我好几个好友。", ("social_media_private",)),
    ("全是电脑合成的自动语音电话。", ("robocall",)),
    ("邮件是从一个QQ邮箱发来的。", ("email",)),
    ("两个人跑到我爸妈家里要钱。", ("visit_home",)),
    ("他们到我们厂门口拉横幅。", ("visit_work",)),
    ("说不还钱就找人去我单位门口等我。", ("phone_call",)),
])
def test_classify_zh__round_c_methods(text, methods):
    assert _r(text).methods == methods


@pytest.mark.parametrize("text,recipients", [
    ("打给了我哥和我表姐，说我欠钱不还。", ("family",)),
    ("我老公在外地上班，催收直接打给他了。", ("spouse",)),
    ("我爷爷签收了一封催收函。", ("family",)),
    ("拉横幅写我欠钱，整个小区都看到了。", ("public",)),
    ("我怕了，赶紧找朋友借钱还上了。", ()),
])
def test_classify_zh__round_c_recipients(text, recipients):
    assert _r(text).recipients == recipients


# --- blind set C2 round: new phrasings (own sentences) ------------------------------------------
@pytest.mark.parametrize("text,code", [
    ("一天给我姐打了七八遍电话，她都不敢开机了。", "FREQ_EXCESSIVE_CALLS"),
    ("这两天未接来电二十多个，全是催收。", "FREQ_EXCESSIVE_CALLS"),
    ("拉黑了他们就换个号接着打。", "FREQ_EXCESSIVE_CALLS"),
    ("一个个打给我的同学，问认不认识我。", "CONTACT_LIST_BLAST"),
    ("挨个私信我的微信好友，说我借钱不还。", "CONTACT_LIST_BLAST"),
    ("把我的借款合同截图转发给了我老婆和我丈母娘。", "THIRD_PARTY_DISCLOSURE"),
    ("我同学都收到了短信，写着我逾期不还。", "THIRD_PARTY_DISCLOSURE"),
    ("打给我舅舅，让他转告我赶紧还钱。", "THIRD_PARTY_DISCLOSURE"),
    ("说案子马上移交检察机关，等着被公诉吧。", "THREAT_ARREST_OR_CRIME"),
    ("说要冻结我名下的公积金。", "MISLEADING_CONSEQUENCES"),
    ("在电话里说信不信我找人打断你的腿。", "THREAT_VIOLENCE"),
    ("说再不还就让我躺着进医院。", "THREAT_VIOLENCE"),
    ("两个人守在我家门口，说不还钱哪儿也别想出去。", "DETENTION"),
    ("跟他们说了别找我爸妈，谁知道当天晚上就打给我爸了。", "CEASE_IGNORED"),
    ("电话接通后对面一声不吭，过几秒就挂了。", "NO_IDENTIFICATION"),
])
def test_classify_zh__round_c2_phrasings_give_the_conduct(text, code):
    assert code in _r(text).conducts


@pytest.mark.parametrize("text,code", [
    ("问他是哪家公司的就挂了，过了一会换了个号又打来。", "FREQ_EXCESSIVE_CALLS"),
    ("听说他们会爆通讯录，我很担心。", "CONTACT_LIST_BLAST"),
    ("有人说这家平台逾期了会爆通讯录。", "CONTACT_LIST_BLAST"),
    ("我气不过，对催收说“再骚扰我就去你们公司拉横幅”。", "PUBLIC_SHAMING"),
    ("我妈身体不好住院了。", "THREAT_VIOLENCE"),
    ("我让他们别打我爸妈电话，后来确实没再打。", "CEASE_IGNORED"),
])
def test_classify_zh__round_c2_traps_give_no_conduct(text, code):
    assert code not in _r(text).conducts


@pytest.mark.parametrize("text,methods", [
    ("《民法典》规定不得以电话、短信骚扰他人，他们给我寄了一封催款函。", ("letter",)),
    ("收到一封律师函，我打过去，接电话的人说是平台法务。", ("letter",)),
    ("QQ语音留言里一直在骂人。", ("voicemail",)),
    ("用呼死你软件打我电话。", ("robocall",)),
    # the software's calls are one method, not a robocall and a call besides (stored two incidents before)
    ("用呼死你软件不停地打给我。", ("robocall",)),
    ("他们用呼死你一直打到我的手机上。", ("robocall",)),
    ("把我欠钱的事群发给了我所有同学。", ("sms",)),
    ("催收的人找到我四川老家去了。", ("visit_home",)),
    ("听说他们会上门，我很害怕。", ()),
])
def test_classify_zh__round_c2_methods(text, methods):
    assert _r(text).methods == methods


@pytest.mark.parametrize("text,exact", [
    ("我晚上十一点给催收发消息说下周还，他一直没回。", set()),
    ("我前天晚上十点主动打给催收员想协商。", set()),
    ("我晚上十一点接到催收电话。", {"23:00"}),
    ("短信让我今晚23:00前还清欠款。", set()),
    ("请于今天晚上十点之前处理，短信是下午三点发来的。", {"15:00"}),
    ("我每天早上六点半出门，催收都是下午打。", set()),
])
def test_classify_zh__round_c2_times(text, exact):
    assert _exact(_r(text)) == exact


# --- blind set D round: new phrasings (own sentences) -------------------------------------------
@pytest.mark.parametrize("text,code", [
    ("两个人在我单位门口堵我，硬把我塞进车里，关了我三个小时才放我走。", "DETENTION"),
    ("他们把我推上一辆面包车，说不还钱别想下车。", "DETENTION"),
    ("他们推开门就挤进了客厅，说拿不到钱就不走了。", "VISIT_IMPROPER"),
    ("开门后对方用脚抵着门不让我关，硬挤进屋里。", "VISIT_IMPROPER"),
    ("客服答应暂停催收半个月，结果第三天又开始打。", "CEASE_IGNORED"),
    ("有个男的打电话说他是“张律师”，我问他是哪个律所，他支支吾吾就挂了。", "IMPERSONATION_ATTORNEY"),
    ("对方自称律所的，说要起诉我，后来我打回去一问，才知道是外包催收公司的人。", "IMPERSONATION_ATTORNEY"),
    ("楼道墙上也被人贴满了打印纸，写着我欠钱不还。", "PUBLIC_SHAMING"),
    ("我家门上被人贴了A4纸，邻居都在拍照。", "PUBLIC_SHAMING"),
    ("把我的照片P成通缉令，发到了我老家的家族群里。", "PUBLIC_SHAMING"),
])
def test_classify_zh__round_d_phrasings_give_the_conduct(text, code):
    assert code in _r(text).conducts


@pytest.mark.parametrize("text,code", [
    ("他们打到公司前台，说我欠钱不还，现在全公司都知道了。", "PUBLIC_SHAMING"),
    ("我表姐以前在这个平台借过钱，逾期后被P图发到了朋友圈。", "PUBLIC_SHAMING"),
    ("我同事在那个平台借了钱逾期，被爆了通讯录，我很怕。", "CONTACT_LIST_BLAST"),
    ("按照规定，催收不得冒充公检法，不得骚扰通讯录联系人。", "IMPERSONATION_OFFICIAL"),
    ("按照规定，催收不得冒充公检法，不得骚扰通讯录联系人。", "CONTACT_LIST_BLAST"),
    ("我求他们放我一马，下个月一定还。", "DETENTION"),
    ("客服说会暂停催收，之后确实没人打了。", "CEASE_IGNORED"),
    ("每天早上七点半送孩子上学。", "MISLEADING_CONSEQUENCES"),
])
def test_classify_zh__round_d_traps_give_no_conduct(text, code):
    assert code not in _r(text).conducts


@pytest.mark.parametrize("text,methods", [
    ("自动语音一分钟一个，家里人的电话都打不进来。", ("robocall",)),
    ("我给客服打电话问，客服说是正常的，然后挂了我电话。", ()),
    ("催收员在电话里说“晚上就去你家门口堵你”。", ("phone_call",)),
    ("他们把截图转到我老家的村民群里。", ("im",)),
    ("打电话说法院已经立案，传票马上寄到我家。", ("phone_call",)),
    ("请你们不要联系我的家人，有事只通过短信联系我。", ()),
    ("他们推开门就挤进了客厅。", ("visit_home",)),
    ("两个人在我公司楼下等我下班。", ("visit_work",)),
])
def test_classify_zh__round_d_methods(text, methods):
    assert _r(text).methods == methods


@pytest.mark.parametrize("text,recipients", [
    ("把我的照片发到了小区业主群，群里三百多人。", ("neighbor_or_friend", "public")),
    ("门上贴了告示，写着“请邻居们监督”。", ("neighbor_or_friend",)),
    ("希望平台不要联系我的紧急联系人和家人。", ()),
])
def test_classify_zh__round_d_recipients(text, recipients):
    assert _r(text).recipients == recipients


@pytest.mark.parametrize("text,exact", [
    ("催收在电话里说“每天下午四点半你婆婆去接孩子”。", set()),
    ("短信说下午五点你女儿放学，让我小心点。", set()),
    ("凌晨两点我正在睡觉，他们打电话来。", {"02:00"}),
    ("三个人早上7点就守在我家门口。", {"07:00"}),
])
def test_classify_zh__round_d_times(text, exact):
    assert _exact(_r(text)) == exact


# --- round I/J (2026-12-06): third parties quoting what they were told, continued threats ---------
@pytest.mark.parametrize("text,code", [
    ("我是他姐姐，催收打给我说“你弟欠了我们两万多，你得管管”。", "THIRD_PARTY_DISCLOSURE"),
    ("邻居转告我，那人跟她说“她欠钱跑了”。", "THIRD_PARTY_DISCLOSURE"),
    ("我不认识借款人，短信却让我督促其尽快还款。", "THIRD_PARTY_DISCLOSURE"),
    ("对方打着“XX县人民法院执行局”的名义给我发通知。", "IMPERSONATION_OFFICIAL"),
    ("律师函上的那家律所，我在网上没查到该律所。", "IMPERSONATION_ATTORNEY"),
    ("问他们是哪家公司的，对方回一句“你别管，先还钱”。", "NO_IDENTIFICATION"),
    ("催收说可以帮我在别的平台借一笔，下款了先还他们。", "EXTRA_FEES_OR_NEW_LOANS"),
    ("他说“你女儿在哪读书我们都清楚”。", "THREAT_VIOLENCE"),
    ("我说了别再发这种短信，隔天又来了三条。", "CEASE_IGNORED"),
])
def test_classify_zh__round_ij_phrasings_give_the_conduct(text, code):
    assert code in _r(text).conducts


@pytest.mark.parametrize("text,code", [
    ("他说我欠了他们三万，让我今天还。", "THIRD_PARTY_DISCLOSURE"),       # told the borrower
    ("不还就明天打给你们公司，让你们老板看看你是什么人。", "EMPLOYER_CONTACT"),  # a threat, carried on
    ("说再不还就去你单位，叫你同事都知道。", "THIRD_PARTY_DISCLOSURE"),
    ("要我先转钱到个人账户，这不就是诈骗吗？", "THREAT_ARREST_OR_CRIME"),   # the borrower's judgement
    ("我自己在另一个平台借了钱还上了。", "EXTRA_FEES_OR_NEW_LOANS"),
])
def test_classify_zh__round_ij_traps_give_no_conduct(text, code):
    assert code not in _r(text).conducts


# --- a stop request, then contact sentences later (zh [actor] stop_request / contact_continues,
# engine._cease_after_request; round of 2026-12-07 on set I's misses) -----------------------------
@pytest.mark.parametrize("text", [
    "我去年就写信要求平台停止电话催收，只用邮件联系我。上周起他们仍然每天打我手机。",
    "我姐请他们以后别再打给她，对方嘴上答应了。过了几天，不光继续打她，还打给了我爸。",
    "客服回复说已暂停催收，等专员联系。可是第二天我又接到了两个催收电话。",
])
def test_classify_zh__a_stop_request_then_contact_later_is_cease_ignored(text):
    assert "CEASE_IGNORED" in _r(text).conducts


@pytest.mark.parametrize("text", [
    "我要求他们以后只发短信，不要打电话。他们同意了，之后两周只收到过一条短信。",  # the allowed medium
    "我请他们不要再打给我同事。从那以后再没打过。",  # it stopped
    "催收让我别再找借口拖延。第二天又打来问我什么时候还。",  # the collector's words, no stop request
    "如果我请他们不要再打，他们会不会继续打我家人？",  # a question, nothing happened
])
def test_classify_zh__no_cease_ignored_without_a_request_and_a_continued_contact(text):
    assert "CEASE_IGNORED" not in _r(text).conducts


# --- a bare time after an exact one takes its a.m./p.m. only on the same day (time_context
# day_change; set L, 2026-12-07) ------------------------------------------------------------------
@pytest.mark.parametrize("text,exact,ambiguous", [
    ("前天晚上十点整给我发了短信。昨天十点半又打电话来。", {"22:00"}, {("10:30", "22:30")}),
    ("上周三晚上九点打过一次，第二天十点半又打。", {"21:00"}, {("10:30", "22:30")}),
    ("晚上十点整发了短信，十点半又打电话。", {"22:00", "22:30"}, set()),
    ("晚上九点打来，我说明天发工资就还，结果十点半又打过来。", {"21:00", "22:30"}, set()),  # 明天 is what was said
])
def test_classify_zh__another_day_keeps_a_bare_time_ambiguous(text, exact, ambiguous):
    r = _r(text)
    assert _exact(r) == exact
    assert {t.candidates for t in r.times if t.is_contact and t.precision == "ambiguous"} == ambiguous


@pytest.mark.parametrize("text,exact", [
    ("They texted me at 10 pm on Monday. On Tuesday they called at 10:30.", {"22:00"}),
    ("They texted me at 10 pm. The next morning they called at 7:15.", {"22:00"}),
    ("They texted me at 10 pm and called again at 10:30.", {"22:00", "22:30"}),
    ("He called at 9 pm, I said I would pay tomorrow, and he called again at 10:30.", {"21:00", "22:30"}),
    # a day named in the exact time's own clause dates that time, not a change of day
    ("They texted me at 10 pm on Monday and called again at 10:30.", {"22:00", "22:30"}),
    ("They called at 9:30 pm and again 1/2 hour later at 10.", {"21:30", "22:00"}),
    ("They called at 10 pm. On XX/XX/XXXX they called at 10:30.", {"22:00"}),  # a redacted date
])
def test_classify_en__another_day_keeps_a_bare_time_ambiguous(text, exact):
    r = classify_narrative(text, "en")
    assert {t.time_local for t in r.times if t.is_contact and t.precision == "exact"} == exact
