"""Hand-made items for the export tests: one of each type, with hostile text in every field.

Every string below must come out of every format as typed (escaped), never interpreted:
HTML/XML tags, entities, GIFT and cloze braces, formula prefixes, Markdown and Typst markup.
"""

from __future__ import annotations

from quizgen.items import Item, ItemSource, ItemType

HOSTILE = "<script>alert('x')</script> & {} =cmd ~ # [b]"

# Fragments the read-back tests look for verbatim in every format.
NEEDLES = ("<script>alert('x')</script>", "& {}", "=cmd", "~", "#", "[b]")


def hostile_items() -> list[Item]:
    return [
        Item(
            id="c1",
            type=ItemType.CHOICE,
            question_id="q1",
            stem=f"卷积神经网络的作用是什么？{HOSTILE}",
            options=("降低数据维度", "提取图像的局部特征 {{c1::x}}", "=SUM(A1:A2)", "-1 + @cmd $x$ *粗*"),
            answer=("B",),
            explanation="卷积层通过卷积核提取局部特征，如边缘、纹理 -> 更高层特征。",
            points=2,
            source=ItemSource(number=2, section="解析", index=1),
        ),
        Item(
            id="m1",
            type=ItemType.MULTI,
            question_id="q2",
            stem="以下哪些是 CNN 的特点？[b]多选[/b]",
            options=("局部感知", "全局连接 & 无共享", "平移不变性", "权重共享 ~ =1"),
            answer=("A", "C", "D"),
            explanation="CNN 具有局部感知、平移不变性和共享权重等特点。",
            points=3,
        ),
        Item(
            id="t1",
            type=ItemType.TF,
            question_id="q3",
            stem="池化层可以降低特征维度 #1 {x} \\ 反斜杠。",
            answer=("对",),
            explanation="池化层通过下采样降低特征维度，同时保留关键信息。",
            points=1,
        ),
        Item(
            id="f1",
            type=ItemType.FILL,
            question_id="q2",
            stem="一种专门处理网格结构数据（如图像）的深度学习模型是________，简称 {{c1::CNN}} 模型。",
            answer=("卷积神经网络",),
            accept=("卷积神经网络", "CNN", "Conv*Net"),
            explanation="卷积神经网络（CNN）通过卷积操作提取图像特征。",
            points=2,
        ),
        Item(
            id="o1",
            type=ItemType.ORDER,
            question_id="q1",
            stem="将深度学习图像识别的步骤按正确顺序排列：",
            options=("特征融合", "数据预处理 <b>", "分类 =A1", "特征提取 ~ #"),
            answer=("B", "D", "A", "C"),
            explanation="先预处理，再提取特征、融合特征，最后分类。",
            points=3,
        ),
        Item(
            id="x1",
            type=ItemType.MATCH,
            question_id="q2",
            stem="将下列概念与其说明配对：",
            left=("局部感知", "共享权重 & {}", "平移不变性"),
            options=("平移后识别结果不变", "卷积层提取局部特征 -> 边缘", "卷积核的权重在整幅图像上共享 <i>"),
            answer=("B", "C", "A"),
            explanation="",
            points=3,
        ),
        Item(
            id="s1",
            type=ItemType.SHORT,
            question_id="q1",
            stem=f"请简要解释深度学习的概念，并举例说明其在图像识别中的应用。{HOSTILE}",
            answer=(
                "深度学习是机器学习的一个分支，利用多层神经网络对数据进行特征提取和模式识别。\n"
                "在图像识别中，卷积神经网络（CNN）实现了较高的识别准确率 <script>。",
            ),
            key_points=("机器学习的一个分支", "多层神经网络 {提取特征}", "图像识别：CNN =cmd"),
            explanation="以人脸识别为例 # 说明。",
            points=10,
        ),
    ]
