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
    # helpers.diagnostics
    "layer_n": "第 {n} 层",
    "read_out": "读出层",
    "layer_axis": "层（1：紧挨输入）",
    "no_gradient": "没有梯度（或恰好为 0）",
    "none": "{label} 无",
    "spread_of_activations": "激活值",
    "spread_of_gradients": "到达激活值的梯度",
    "std_of_activations": "激活值的标准差",
    "std_of_gradient": "梯度的标准差",
    "spread_title": "{what}逐层的离散程度",
    "spread_alt": ("{title}。柱状图，每层一根柱，从{first}（紧挨输入）到{last}，{scale}坐标轴：{what}的标准差：{values}。"),
    "ratio_legend": "‖梯度‖ / ‖权重‖",
    "weight_axis": "权重矩阵（第 1 层：紧挨输入）",
    "ratio_axis": "梯度范数 / 权重范数",
    "weights_title": "相对于自身大小，每个权重矩阵被推动得有多强",
    "no_weight_gets_gradient": "没有任何权重矩阵得到梯度",
    "weights_range": "最小的比值是 {low}（{low_label}），最大的是 {high}（{high_label}）",
    "weights_missing": "；{missing} 个没有梯度，标在底部",
    "weights_alt": ("{title}。折线图，纵轴为对数刻度：每个权重矩阵的梯度范数与权重范数之比，从{first}到{last}：{summary}。"),
    "gradient_norm": "梯度范数",
    "heat_title": "训练过程中每一层的梯度范数",
    "heat_label": "{label}：",
    "heat_range": "{label}从 {low} 到 {high}",
    "heat_dark": "，第 1 到 {half} 行始终很暗（至多 {most}）",
    "heat_stripe": "，第 {peak} 步有一条贯穿每一行的亮带（那里至少 {least}）",
    "heat_one": "热力图",
    "heat_many": "{n} 幅上下排列的热力图",
    "heat_alt": ("{title}。{kind}，显示每个权重矩阵的梯度范数，纵向从第 1 行（紧挨输入）到第 {top} 行，横向为训练步 0 到 "
                 "{last_step}，使用同一个对数色标（暗：小）：{panels}。"),
    # helpers.diagram
    "values_one": "{n} 个值",
    "values_many": "{n} 个值",
    "layers_one": "{n} 层",
    "layers_many": "{n} 层",
    "skip_paths_one": "{n} 条跳跃路径",
    "skip_paths_many": "{n} 条跳跃路径",
    "diagram_plain": "无快捷连接：x = layer(x)",
    "diagram_shortcut": "有快捷连接：x = x + layer(x)",
    "diagram_input": "输入 x（{values}）",
    "diagram_output": "输出（{values}）",
    "diagram_no_shortcut": "无快捷连接：\n{n_in} → {n_out}\n改变了宽度",
    "diagram_around": "快捷连接：\nx 绕过\n这一层",
    "diagram_no_layer_keeps": "没有一层保持宽度不变，所以没有一层得到快捷连接",
    "diagram_carries": "快捷连接把每个 {kept} 层的输入绕过该层送上去",
    "diagram_gets_none_one": "；{changed} 层没有快捷连接",
    "diagram_gets_none_many": "；{changed} 这几层没有快捷连接",
    "diagram_alt": ("{title}。同一个 {layers} 堆叠（Linear 后接激活函数）的两幅图，输入在底部：左图中每层把输出交给下一层；"
                    "右图中 {skips} 把一层的输入绕过该层送到加号节点，在那里与该层的输出相加。"),
}
