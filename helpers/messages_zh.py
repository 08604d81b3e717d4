"""辅助包图中文字的中文版：键与 `helpers/messages_en.py` 相同，由
`helpers.language.message(key, **values)` 读取。"""

MESSAGES = {
    # 多幅图共用
    "sep": "；",
    "list_sep": "、",
    "period": "。",
    "lowest": "最低",
    "highest": "最高",
    "line_from_to": "{label}从{start}到{end}",
    "logarithmic": "对数",
    "linear": "线性",
    "line_chart_alt": "{title}。折线图，纵轴为{scale}刻度：{ylabel}随{xlabel}的变化，{lines}{reference}。",
    "guide_reference": "；点线标出{guide}",
    "number_of_layers": "层数",
    "without_shortcuts": "无快捷连接",
    "with_shortcuts": "有快捷连接",
    # plot_activations
    "activations_title": "sigmoid 的斜率从不超过 0.25；其他激活函数的斜率可达 1 或更大",
    "input_z": "输入 z",
    "activation_panel": "激活函数",
    "derivative_panel": "它的导数（每层的因子）",
    "activations_alt": ("{title}。两幅子图，z 从 {low} 到 {high}：左图是激活函数 {names}；右图是它们的斜率，"
                        "点线位于 0.25（最大斜率：{slopes}）。"),
    # plot_gradients
    "gradients_title": "第一层梯度占最后一层梯度的比例：{shares}",
    "gradients_x": "层（左侧靠近输入）",
    "gradients_y": "权重的平均 |梯度|",
    # plot_depth_sweep
    "sweep_title": "深度为 {depth} 时，第一层/最后一层：{ratios}",
    "sweep_y": "第一层 / 最后一层的平均 |梯度|",
    # plot_spirals
    "spirals_title": "两条交织的螺旋：学习任务",
    "spirals_class": "类别 {label}",
    "spirals_alt": ("{title}。平面上 {points} 个点的散点图，横轴 x1、纵轴 x2：类别 0（{zeros} 个蓝色圆点）和类别 1"
                    "（{ones} 个橙色方块）沿两条螺旋臂相互缠绕。"),
    # plot_loss_curves
    "loss_title": "训练损失",
    "loss_x": "训练步",
    "loss_y": "损失（二元交叉熵）",
    "loss_guide": "ln 2 = 0.69：纯猜测的损失",
    # plot_sweep_heatmap
    "heatmap_title": "最后一层的梯度有多少能到达第一层（灰色：没有比值）",
    "heatmap_colorbar": "log10(第一层 / 最后一层)",
    "heatmap_panel": "{kind}（{grey} 个灰色格子）",
    "heatmap_and": "，",
    "heatmap_alt": ("{title}。第一层与最后一层梯度之比的 log10 热力图，横向为深度 {first} 到 {last}，纵向为激活函数 "
                    "{activations}，使用同一色标，从 10^-30（暗）到 1（亮）：{panels}；灰色格子没有比值。"),
}
